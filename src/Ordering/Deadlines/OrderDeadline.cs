using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Deadlines;

/// <summary>Which promise a deadline keeps.</summary>
internal enum DeadlineKind
{
    /// <summary>The seller accepts the placed order; missed, the order is cancelled.</summary>
    AcceptBy,

    /// <summary>The seller hands the parcel over; missed, the order is flagged and the seller told.</summary>
    ShipBy,

    /// <summary>The parcel reaches the customer; missed, the order shows as late to customer and staff.</summary>
    DeliverBy,
}

/// <summary>What became of a deadline's timer.</summary>
internal enum DeadlineOutcome
{
    /// <summary>The order moved on in time (accepted, shipped, delivered or cancelled): the timer will never fire.</summary>
    Closed,

    /// <summary>It fired and cancelled the order.</summary>
    Cancelled,

    /// <summary>It fired and flagged the order (ship-by missed, delivery late).</summary>
    Flagged,

    /// <summary>It came due after its order had moved past it by a path that did not close it: it did nothing.</summary>
    Moot,
}

/// <summary>
/// One timer of one order, kept in the database so that it survives restarts and is shared by every replica: open
/// until its order moves past it (closed in the same save as that move) or until it is due and a replica claims it
/// (<see cref="DeadlineSweeper"/>), which acts on the order and marks it fired in one transaction.
/// </summary>
internal sealed class OrderDeadline
{
    public Guid OrderId { get; init; }

    public DeadlineKind Kind { get; init; }

    public Guid SellerId { get; init; }

    public DateTimeOffset DueAt { get; init; }

    /// <summary>When it was closed or fired; null while it is open.</summary>
    public DateTimeOffset? SettledAt { get; private set; }

    public DeadlineOutcome? Outcome { get; private set; }

    /// <summary>Its due time while open: the sweeper's partial index holds open deadlines only.</summary>
    public bool IsOpen => SettledAt is null;

    public void Settle(DeadlineOutcome outcome, DateTimeOffset at)
    {
        if (IsOpen)
        {
            (Outcome, SettledAt) = (outcome, at);
        }
    }

    /// <summary>Whether an order that now stands at <paramref name="status"/> has moved past this promise.</summary>
    public bool EndedBy(OrderStatus status) => (Kind, status) switch
    {
        (_, OrderStatus.Cancelled or OrderStatus.Delivered or OrderStatus.Completed) => true,
        (DeadlineKind.AcceptBy, OrderStatus.Accepted or OrderStatus.Shipped) => true,
        (DeadlineKind.ShipBy, OrderStatus.Shipped) => true,
        _ => false,
    };
}
