using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Invoices;

/// <summary>
/// An invoice with its money read from the ledger: every transaction with entries on the order that is a capture or a
/// refund (by kind, by a <c>refund:</c> key, or by an entry's <c>refund</c> reason, so refunds show whatever else they
/// book). A transaction's amount for the order is what the seller and the platform received for it, commission
/// included: the buyer's side. Payouts, reversals and fees move money between the platform and the seller, not the
/// buyer, and stay off the invoice.
/// </summary>
internal static class InvoiceSheet
{
    public const string RefundKind = "refund";
    public const string RefundKeyPrefix = "refund:";

    public static async Task<InvoiceResponse?> ReadAsync(PaymentsDbContext db, Guid sellerId, long number, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.SellerId == sellerId && i.Number == number, cancellationToken);
        return invoice is null ? null : await ReadAsync(db, invoice, cancellationToken);
    }

    public static async Task<InvoiceResponse> ReadAsync(PaymentsDbContext db, Invoice invoice, CancellationToken cancellationToken)
    {
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.OrderId == invoice.OrderId && e.Currency == invoice.Currency)
            .Join(db.LedgerTransactions, e => e.TransactionId, t => t.Id, (e, t) => new { Entry = e, t.Kind, t.Key })
            .ToListAsync(cancellationToken);
        var lines = new List<InvoiceLine>();
        foreach (var transaction in entries.GroupBy(x => x.Entry.TransactionId))
        {
            var first = transaction.First();
            var isCapture = first.Kind == CaptureBooking.Kind;
            var isRefund = first.Kind == RefundKind
                || first.Key.StartsWith(RefundKeyPrefix, StringComparison.Ordinal)
                || transaction.Any(x => x.Entry.Reason == RefundKind);
            if (!isCapture && !isRefund)
            {
                continue;
            }

            var received = -transaction
                .Where(x => x.Entry.AccountKind is LedgerAccountKind.SellerPayable or LedgerAccountKind.PlatformRevenue)
                .Sum(x => x.Entry.Amount);
            lines.Add(new InvoiceLine(
                transaction.Min(x => x.Entry.RecordedAt),
                isCapture ? CaptureBooking.Kind : RefundKind,
                MinorUnits.ToAmount(received, invoice.Currency),
                transaction.Key));
        }

        lines = lines.OrderBy(l => l.RecordedAt).ThenBy(l => l.TransactionId).ToList();
        var captured = lines.Where(l => l.Kind == CaptureBooking.Kind).Sum(l => l.Amount);
        var refunded = -lines.Where(l => l.Kind == RefundKind).Sum(l => l.Amount);
        var sellerName = invoice.SellerName
            ?? await db.InvoiceSellers.AsNoTracking().Where(s => s.SellerId == invoice.SellerId).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken);
        return new InvoiceResponse(
            invoice.SellerId,
            sellerName,
            invoice.Number,
            invoice.OrderId,
            invoice.OrderNumber,
            invoice.IssuedAt,
            invoice.Currency,
            MinorUnits.ToAmount(invoice.OrderTotalMinor, invoice.Currency),
            captured,
            refunded,
            captured - refunded,
            lines);
    }
}
