using System.Globalization;
using System.Text;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;

namespace Marketplace.Notifications.Email.Templates;

/// <summary>A mail as it is sent: subject, HTML body and plain-text body, in one language.</summary>
internal sealed record RenderedMail(string Subject, string Html, string Text);

/// <summary>What a mail about one seller order says.</summary>
/// <param name="Order">The order as Ordering summarises it.</param>
/// <param name="SellerName">The seller's public name.</param>
internal sealed record OrderMail(OrderNotice Order, string SellerName);

/// <summary>
/// Every kind of mail, rendered in the recipient's language as HTML and plain text from one draft, so the two never
/// say different things. Values from other people (names, titles, reasons, addresses) are HTML-encoded in the HTML
/// body; the wording and the layout are ours.
/// </summary>
internal static class MailTemplates
{
    public static RenderedMail OrderPlaced(OrderMail mail)
    {
        var w = MailWording.For(mail.Order.Language);
        return new Draft(w, "OrderPlaced", mail.Order.Number)
            .Paragraph(w["OrderPlaced.Body"], mail.Order.Number, mail.SellerName)
            .Lines(mail.Order)
            .Render();
    }

    public static RenderedMail OrderShipped(OrderMail mail, string? carrier, string? trackingNumber)
    {
        var w = MailWording.For(mail.Order.Language);
        var draft = new Draft(w, "OrderShipped", mail.Order.Number).Paragraph(w["OrderShipped.Body"], mail.Order.Number, mail.SellerName);
        draft = string.IsNullOrWhiteSpace(carrier) && string.IsNullOrWhiteSpace(trackingNumber)
            ? draft.Paragraph(w["OrderShipped.OwnDelivery"])
            : draft.Paragraph(w["OrderShipped.Tracking"], carrier ?? "—", trackingNumber ?? "—");
        return draft.Lines(mail.Order).Render();
    }

    public static RenderedMail OrderDelivered(OrderMail mail)
    {
        var w = MailWording.For(mail.Order.Language);
        return new Draft(w, "OrderDelivered", mail.Order.Number)
            .Paragraph(w["OrderDelivered.Body"], mail.Order.Number, mail.SellerName)
            .Render();
    }

    public static RenderedMail OrderCancelled(OrderMail mail, string? reason)
    {
        var w = MailWording.For(mail.Order.Language);
        var draft = new Draft(w, "OrderCancelled", mail.Order.Number).Paragraph(w["OrderCancelled.Body"], mail.Order.Number, mail.SellerName);
        if (!string.IsNullOrWhiteSpace(reason))
        {
            draft = draft.Paragraph(w["OrderCancelled.Reason"], reason);
        }

        return draft.Lines(mail.Order).Render();
    }

    /// <summary>
    /// A refund of (part of) an order, from Payments' refund event: <see cref="Mailers.OrderMailer"/> looks the order up as
    /// for the other order mails and calls this.
    /// </summary>
    public static RenderedMail RefundIssued(OrderMail mail, Money amount, string? reason)
    {
        var w = MailWording.For(mail.Order.Language);
        var draft = new Draft(w, "RefundIssued", mail.Order.Number)
            .Paragraph(w["RefundIssued.Body"], mail.Order.Number, mail.SellerName, MoneyText.Format(amount, w));
        if (!string.IsNullOrWhiteSpace(reason))
        {
            draft = draft.Paragraph(w["RefundIssued.Reason"], reason);
        }

        return draft.Render();
    }

    public static RenderedMail AccountAlreadyExists(string language, DateTimeOffset attemptedAt)
    {
        var w = MailWording.For(language);
        return new Draft(w, "AccountAlreadyExists").Paragraph(w["AccountAlreadyExists.Body"], When(attemptedAt, w)).Render();
    }

    public static RenderedMail SellerInvitation(string language, string sellerName, string code, DateTimeOffset expiresAt)
    {
        var w = MailWording.For(language);
        return new Draft(w, "SellerInvitation", sellerName)
            .Paragraph(w["SellerInvitation.Body"], sellerName)
            .Emphasis(w["SellerInvitation.Code"], code)
            .Paragraph(w["SellerInvitation.Expires"], When(expiresAt, w))
            .Render();
    }

    public static RenderedMail WebhookEndpointDisabled(string language, string sellerName, string url, string reason, DateTimeOffset disabledAt)
    {
        var w = MailWording.For(language);
        return new Draft(w, "WebhookEndpointDisabled", sellerName)
            .Paragraph(w["WebhookEndpointDisabled.Body"], sellerName, url, When(disabledAt, w))
            .Paragraph(w["WebhookEndpointDisabled.Reason"], reason)
            .Paragraph(w["WebhookEndpointDisabled.Action"])
            .Render();
    }

    /// <summary>To the seller's owner: an order it may have begun to prepare is cancelled because its payment was not taken.</summary>
    public static RenderedMail SellerOrderUnpaid(string language, string sellerName, string orderNumber, string? reason)
    {
        var w = MailWording.For(language);
        var draft = new Draft(w, "SellerOrderUnpaid", orderNumber).Paragraph(w["SellerOrderUnpaid.Body"], orderNumber, sellerName);
        if (!string.IsNullOrWhiteSpace(reason))
        {
            draft = draft.Paragraph(w["SellerOrderUnpaid.Reason"], reason);
        }

        return draft.Render();
    }

    private static string When(DateTimeOffset at, MailWording w) => w.When(at);

    /// <summary>
    /// The five characters that carry meaning in HTML text and attributes, as entities. The mail is UTF-8, so everything
    /// else (Cyrillic, no-break spaces, ×) stays as it is and reads the same in both bodies.
    /// </summary>
    internal static string Encode(string text)
    {
        var encoded = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => encoded.Append("&amp;"),
                '<' => encoded.Append("&lt;"),
                '>' => encoded.Append("&gt;"),
                '"' => encoded.Append("&quot;"),
                '\'' => encoded.Append("&#39;"),
                _ => encoded.Append(c),
            };
        }

        return encoded.ToString();
    }

    /// <summary>A mail being written: both bodies grow together, the HTML one with every value encoded.</summary>
    private sealed class Draft
    {
        private readonly MailWording _wording;
        private readonly string _subject;
        private readonly StringBuilder _html = new();
        private readonly StringBuilder _text = new();

        public Draft(MailWording wording, string kind, params string[] subjectValues)
        {
            _wording = wording;
            _subject = Fill(wording[$"{kind}.Subject"], subjectValues, encode: false);
            var heading = wording[$"{kind}.Heading"];
            _html.Append("<!DOCTYPE html>\n<html lang=\"").Append(wording.Language).Append("\"><head><meta charset=\"utf-8\"><title>")
                .Append(Encode(_subject)).Append("</title></head>\n<body style=\"font-family:sans-serif\">\n<h1>")
                .Append(Encode(heading)).Append("</h1>\n<p>").Append(Encode(wording["Greeting"])).Append("</p>\n");
            _text.Append(heading).Append("\n\n").Append(wording["Greeting"]).Append("\n\n");
        }

        public Draft Paragraph(string format, params string[] values)
        {
            _html.Append("<p>").Append(Fill(format, values, encode: true)).Append("</p>\n");
            _text.Append(Fill(format, values, encode: false)).Append("\n\n");
            return this;
        }

        public Draft Emphasis(string format, params string[] values)
        {
            _html.Append("<p><strong>").Append(Fill(format, values, encode: true)).Append("</strong></p>\n");
            _text.Append(Fill(format, values, encode: false)).Append("\n\n");
            return this;
        }

        public Draft Lines(OrderNotice order)
        {
            var culture = _wording.Numbers;
            var w = _wording;
            _html.Append("<h2>").Append(Encode(_wording["Lines.Header"])).Append("</h2>\n<ul>\n");
            _text.Append(_wording["Lines.Header"]).Append('\n');
            foreach (var line in order.Lines)
            {
                string[] values = [line.Title, line.Quantity.ToString(culture), MoneyText.Format(line.LineTotal, w)];
                _html.Append("<li>").Append(Fill(_wording["Lines.Row"], values, encode: true)).Append("</li>\n");
                _text.Append("- ").Append(Fill(_wording["Lines.Row"], values, encode: false)).Append('\n');
            }

            string[] delivery = [order.DeliveryService, MoneyText.Format(order.DeliveryPrice, w)];
            _html.Append("<li>").Append(Fill(_wording["Lines.Delivery"], delivery, encode: true)).Append("</li>\n</ul>\n<p><strong>")
                .Append(Fill(_wording["Lines.Total"], [MoneyText.Format(order.Total, w)], encode: true)).Append("</strong></p>\n");
            _text.Append("- ").Append(Fill(_wording["Lines.Delivery"], delivery, encode: false)).Append('\n')
                .Append(Fill(_wording["Lines.Total"], [MoneyText.Format(order.Total, w)], encode: false)).Append("\n\n");
            return this;
        }

        public RenderedMail Render()
        {
            var footer = _wording["Footer"];
            _html.Append("<hr>\n<p style=\"color:#666;font-size:small\">").Append(Encode(footer)).Append("</p>\n</body></html>\n");
            _text.Append("--\n").Append(footer).Append('\n');
            return new RenderedMail(_subject, _html.ToString(), _text.ToString());
        }

        private static string Fill(string format, string[] values, bool encode)
        {
            // The format is our own text: encoded as a whole it could not hold markup, and its holes take encoded values.
            var template = encode ? Encode(format) : format;
            object[] args = [.. values.Select(v => (object)(encode ? Encode(v) : v))];
            return string.Format(CultureInfo.InvariantCulture, template, args);
        }
    }
}

/// <summary>Money as a reader of the language writes it: its digit grouping and decimal sign, the currency's minor units, a symbol where one is common.</summary>
internal static class MoneyText
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["RUB"] = "₽", ["EUR"] = "€", ["USD"] = "$", ["GBP"] = "£",
    };

    public static string Format(Money money, MailWording wording)
    {
        var number = money.Amount.ToString("N" + Currencies.MinorUnitsOf(money.Currency).ToString(CultureInfo.InvariantCulture), wording.Numbers);
        var symbol = Symbols.GetValueOrDefault(money.Currency);

        // Russian writes the sign after the amount (1 234,50 ₽); English before it ($1,234.50), or the code after (1,234.50 CHF).
        if (wording.Language == "ru")
        {
            return $"{number}\u00A0{symbol ?? money.Currency}";
        }

        return symbol is not null ? $"{symbol}{number}" : $"{number}\u00A0{money.Currency}";
    }
}
