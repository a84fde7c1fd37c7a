namespace Marketplace.Payments.Invoices;

/// <summary>
/// The invoice of one seller order, issued once its capture is booked. Its number counts the seller's invoices from 1
/// with no gaps (<see cref="InvoiceCounter"/>); what it shows of money is read from the ledger when it is read, so that
/// refunds booked later appear on it.
/// </summary>
internal sealed class Invoice
{
    public const int MaxSellerNameLength = 200;

    public Guid Id { get; init; }

    public Guid SellerId { get; init; }

    /// <summary>The seller's own sequence: 1, 2, 3…, unique per seller.</summary>
    public long Number { get; init; }

    /// <summary>The seller order it is for; one invoice per order.</summary>
    public Guid OrderId { get; init; }

    public Guid OrderGroupId { get; init; }

    public Guid PaymentId { get; init; }

    /// <summary>The buyer-facing order number, as Ordering named it.</summary>
    public required string OrderNumber { get; init; }

    /// <summary>The seller's display name when the invoice was issued, if Payments had learned it by then.</summary>
    public string? SellerName { get; init; }

    public required string Currency { get; init; }

    /// <summary>What the order was priced at, in minor units.</summary>
    public long OrderTotalMinor { get; init; }

    public DateTimeOffset IssuedAt { get; init; }
}

/// <summary>
/// The last invoice number a seller used. It is incremented in the transaction that issues the invoice, under the row's
/// lock, so concurrent issues for one seller take consecutive numbers, and a rolled-back issue leaves no hole.
/// </summary>
internal sealed class InvoiceCounter
{
    public Guid SellerId { get; init; }

    public long LastNumber { get; set; }
}

/// <summary>A seller's display name, as Identity announced it: the issuer named on its invoices.</summary>
internal sealed class InvoiceSeller
{
    public Guid SellerId { get; init; }

    public string Name { get; set; } = "";
}
