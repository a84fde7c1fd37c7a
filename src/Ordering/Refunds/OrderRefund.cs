using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Refunds;

internal enum OrderRefundStatus
{
    /// <summary>Its units and amount are counted against the order; Payments has not answered yet.</summary>
    Pending,

    /// <summary>Payments gave the money back.</summary>
    Refunded,

    /// <summary>Payments refused (nothing captured yet, or above the capture): its units and amount were given back to the order.</summary>
    Refused,
}

/// <summary>
/// One refund of a seller order, by lines and units or by amount, as the seller or an admin asked it under an
/// Idempotency-Key. Its id is the refund's id in Payments and at the provider, so carrying it on never refunds twice.
/// </summary>
internal sealed class OrderRefund
{
    public const int MaxReasonLength = 300;

    public Guid Id { get; init; }

    public Guid OrderId { get; init; }

    public Guid SellerId { get; init; }

    /// <summary>The Idempotency-Key row it was asked under; its answer is stored there.</summary>
    public Guid IdempotencyKeyId { get; init; }

    public decimal Amount { get; init; }

    public string Currency { get; init; } = "";

    public string? Reason { get; init; }

    public OrderRefundStatus Status { get; set; }

    public ActorKind RequestedByKind { get; init; }

    public string RequestedById { get; init; } = "";

    /// <summary>
    /// Whether the refunded units go back to stock: units of an order refunded before it shipped, returned once Payments
    /// confirms the refund (<see cref="Restock.RefundedUnitsRestock"/>); false for an amount, shipped units, or a refusal.
    /// </summary>
    public bool Restocked { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; set; }

    public List<OrderRefundLine> Lines { get; init; } = [];
}

/// <summary>Units of one order line a refund gives back.</summary>
internal sealed class OrderRefundLine
{
    public Guid RefundId { get; init; }

    public Guid LineId { get; init; }

    public int Quantity { get; init; }

    /// <summary>What these units cost, as the line was priced (its total shared over its units, to the cent).</summary>
    public decimal Amount { get; init; }
}
