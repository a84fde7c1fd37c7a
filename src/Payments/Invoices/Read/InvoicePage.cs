using Marketplace.Payments.Contracts;
using System.Globalization;
using System.Net;
using System.Text;
using Marketplace.Platform;

namespace Marketplace.Payments.Invoices.Read;

/// <summary>
/// The invoice as a printable HTML page. Every text on it (the seller's name, the order number) comes from outside this
/// module and is HTML-encoded; the page loads nothing and runs nothing (<see cref="ContentSecurityPolicy"/>).
/// </summary>
internal static class InvoicePage
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>Only the page's own inline style; no script, no outside resource, no framing.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    public static string Render(InvoiceResponse invoice)
    {
        string Money(decimal amount) =>
            $"{amount.ToString($"N{Currencies.MinorUnitsOf(invoice.Currency)}", CultureInfo.InvariantCulture)} {E(invoice.Currency)}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>Invoice ").Append(invoice.Number.ToString(CultureInfo.InvariantCulture)).Append(" – ").Append(E(invoice.SellerName ?? invoice.SellerId.ToString())).Append("</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;text-align:left}")
            .Append("td.amount{text-align:right}@media print{body{margin:0}}</style></head><body>\n")
            .Append("<h1>Invoice ").Append(invoice.Number.ToString(CultureInfo.InvariantCulture)).Append("</h1>\n")
            .Append("<p>Seller: <strong>").Append(E(invoice.SellerName ?? "")).Append("</strong> (").Append(invoice.SellerId).Append(")</p>\n")
            .Append("<p>Order: <strong>").Append(E(invoice.OrderNumber)).Append("</strong></p>\n")
            .Append("<p>Issued: ").Append(invoice.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append("</p>\n")
            .Append("<table>\n<tr><th>Date</th><th>Movement</th><th>Amount</th></tr>\n");
        foreach (var line in invoice.Lines)
        {
            html.Append("<tr><td>").Append(line.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(line.Kind == InvoiceSheet.RefundKind ? "Refund" : "Payment")
                .Append("</td><td class=\"amount\">").Append(Money(line.Amount)).Append("</td></tr>\n");
        }

        html.Append("</table>\n<table>\n")
            .Append("<tr><th>Order total</th><td class=\"amount\">").Append(Money(invoice.OrderTotal)).Append("</td></tr>\n")
            .Append("<tr><th>Paid</th><td class=\"amount\">").Append(Money(invoice.Captured)).Append("</td></tr>\n")
            .Append("<tr><th>Refunded</th><td class=\"amount\">").Append(Money(invoice.Refunded)).Append("</td></tr>\n")
            .Append("<tr><th>Net</th><td class=\"amount\">").Append(Money(invoice.Net)).Append("</td></tr>\n")
            .Append("</table>\n</body></html>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
