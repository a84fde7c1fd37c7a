using Marketplace.Payments.Ledger;

namespace Marketplace.Payments.Escrow;

/// <summary>Where a seller order stands, as far as its money is concerned.</summary>
internal enum EscrowOrderStatus
{
    /// <summary>Placed and waiting for its seller: its share stays held.</summary>
    Placed,

    /// <summary>The seller accepted it: its share is captured.</summary>
    Accepted,

    /// <summary>Cancelled after it was placed: its share is released.</summary>
    Cancelled,
}

/// <summary>
/// A seller order of a paid group, as Payments learned it from Ordering's events: enough to decide when and how much to
/// capture, and whose payable its share is. Each event restates the order and carries its version, so whichever
/// arrives first creates the row and only a newer one changes it; late, repeated and reordered events change nothing.
/// </summary>
internal sealed class EscrowOrder
{
    public const int MaxNumberLength = 40;

    public Guid OrderId { get; set; }

    public Guid OrderGroupId { get; set; }

    public Guid SellerId { get; set; }

    public string Number { get; set; } = "";

    /// <summary>What the customer pays for this order, in minor units of <see cref="Currency"/>.</summary>
    public long TotalMinor { get; set; }

    public string Currency { get; set; } = "";

    public EscrowOrderStatus Status { get; set; }

    /// <summary>The order's version in Ordering when this state was true.</summary>
    public int Version { get; set; }

    /// <summary>
    /// Whether the order's placement has arrived. Events are consumed concurrently, so an acceptance can overtake it; the
    /// placement is the one that carries the lines the commission is computed from, so the capture waits for it.
    /// </summary>
    public bool PlacementSeen { get; set; }

    /// <summary>When the first event about the order arrived.</summary>
    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>Set when the group's capture was decided with this order accepted: the capture pays for it.</summary>
    public bool InCapture { get; set; }

    /// <summary>The order's share of the capture, in minor units, once the capture is recorded; null before.</summary>
    public long? CapturedMinor { get; set; }

    /// <summary>The platform's commission on <see cref="CapturedMinor"/>, by the "payouts" rules in force at capture.</summary>
    public long CommissionMinor { get; set; }

    /// <summary>
    /// What refunds have taken of <see cref="CapturedMinor"/> so far (pending ones included). Moved only by one
    /// conditional update that keeps it at most the captured share, so concurrent refunds cannot exceed the capture.
    /// </summary>
    public long RefundedMinor { get; set; }

    /// <summary>
    /// What lost disputes of the group's charge took of this order's share (its part of the lost amounts, by largest
    /// remainder over what was left of each order). Like a refund, it gives back the commission in proportion.
    /// </summary>
    public long DisputeLostMinor { get; set; }

    /// <summary>When the order was first reported delivered (by the carrier or the customer): its protection window starts here.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Until when one replica's payout run holds the order (a lease, so that a crashed run's orders come back).</summary>
    public DateTimeOffset? PayoutClaimedUntil { get; set; }

    /// <summary>
    /// What the payout transfers, fixed by one conditional update (only while <see cref="RefundedMinor"/> is what the
    /// amount was computed from) before the provider is asked, so that a retried transfer sends the same amount under
    /// its key. A refund reserved after it is fixed takes the seller's part back by reversing the transfer instead.
    /// </summary>
    public long? PayoutMinor { get; set; }

    /// <summary>
    /// How many times the provider refused the order's transfer. A refusal is final (nothing was sent), and Stripe keeps
    /// it under its idempotency key for a day, answering a retry under that key with the same refusal; so each attempt
    /// after a refusal asks under a key of its own (<see cref="Payouts.Payout.TransferKeyOf"/>), with the same fixed amount.
    /// </summary>
    public int PayoutAttempt { get; set; }

    /// <summary>When the seller's share less commission was transferred and booked: the order is settled.</summary>
    public DateTimeOffset? PaidOutAt { get; set; }

    /// <summary>
    /// What the seller is paid for the order: its share less the commission, less the seller's part of what refunds and
    /// lost disputes took. Both give back the commission in proportion, counted on their running total together
    /// (<see cref="RefundBooking.CommissionPart"/>), so an order refunded and lost in full gives back the whole
    /// commission and comes to exactly zero; never below zero.
    /// </summary>
    public long PayableMinor
    {
        get
        {
            var share = CapturedMinor ?? 0;
            var taken = RefundedMinor + DisputeLostMinor;
            return Math.Max(0, share - CommissionMinor - (taken - RefundBooking.CommissionPart(CommissionMinor, share, 0, taken)));
        }
    }

    /// <summary>What is left of the captured share after refunds and lost disputes.</summary>
    public long RemainingMinor => Math.Max(0, (CapturedMinor ?? 0) - RefundedMinor - DisputeLostMinor);
}

/// <summary>A line of a seller order, as Ordering's <c>OrderPlaced</c> told it: the commission is computed from the lines.</summary>
internal sealed class EscrowOrderLine
{
    public Guid OrderId { get; set; }

    /// <summary>The line's position in the order, from 1.</summary>
    public int LineNumber { get; set; }

    public Guid OfferId { get; set; }

    public Guid CategoryId { get; set; }

    /// <summary>What the line costs after discounts, in minor units of the order's currency.</summary>
    public long TotalMinor { get; set; }
}
