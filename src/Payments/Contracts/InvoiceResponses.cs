namespace Marketplace.Payments.Contracts;

/// <summary>One invoice in a seller's list.</summary>
/// <param name="Number">The seller's invoice number: 1, 2, 3…, with no gaps.</param>
/// <param name="OrderId">The seller order it is for.</param>
/// <param name="OrderNumber">The order's number, as the buyer knows it.</param>
/// <param name="IssuedAt">When it was issued: when the order's capture was booked.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="OrderTotal">What the order was priced at.</param>
public sealed record InvoiceSummary(long Number, Guid OrderId, string OrderNumber, DateTimeOffset IssuedAt, string Currency, decimal OrderTotal);

/// <summary>One money movement on an invoice, from the ledger.</summary>
/// <param name="RecordedAt">When it was booked.</param>
/// <param name="Kind">The ledger transaction's kind: <c>capture</c> (a payment taken) or <c>refund</c>.</param>
/// <param name="Amount">Paid by the buyer (positive) or given back (negative), in the invoice's currency.</param>
/// <param name="TransactionId">The ledger transaction.</param>
public sealed record InvoiceLine(DateTimeOffset RecordedAt, string Kind, decimal Amount, Guid TransactionId);

/// <summary>
/// A seller order's invoice: who issued it, for which order, and the money that moved for the order, read from the
/// ledger when the invoice is read, so that a refund booked after issue appears on it. Payments knows the order's
/// total, not its lines: the order's lines are in the order itself (Ordering).
/// </summary>
/// <param name="SellerId">The issuing seller.</param>
/// <param name="SellerName">The seller's display name, or null when Payments has not learned it.</param>
/// <param name="Number">The seller's invoice number: 1, 2, 3…, with no gaps.</param>
/// <param name="OrderId">The seller order it is for.</param>
/// <param name="OrderNumber">The order's number, as the buyer knows it.</param>
/// <param name="IssuedAt">When it was issued: when the order's capture was booked.</param>
/// <param name="Currency">ISO 4217 code of every amount.</param>
/// <param name="OrderTotal">What the order was priced at.</param>
/// <param name="Captured">What was taken from the buyer for the order (a partial capture shows here as less than the total).</param>
/// <param name="Refunded">What was given back to the buyer for the order so far.</param>
/// <param name="Net">Captured less refunded.</param>
/// <param name="Lines">Each capture and refund, oldest first.</param>
public sealed record InvoiceResponse(
    Guid SellerId,
    string? SellerName,
    long Number,
    Guid OrderId,
    string OrderNumber,
    DateTimeOffset IssuedAt,
    string Currency,
    decimal OrderTotal,
    decimal Captured,
    decimal Refunded,
    decimal Net,
    IReadOnlyList<InvoiceLine> Lines);
