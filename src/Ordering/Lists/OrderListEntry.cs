using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Lists;

/// <summary>
/// One order as the customers' and sellers' order lists show it: the lists' read model, fed only by the order events
/// (<see cref="OrderListProjector"/>), so that a page is one indexed query however many orders there are. Only orders
/// that were placed have a row: one whose payment never went through is no one's to list.
/// </summary>
internal sealed class OrderListEntry
{
    public Guid OrderId { get; init; }

    public string Number { get; init; } = "";

    public Guid GroupId { get; init; }

    public Guid SellerId { get; init; }

    /// <summary>Null for a guest, whose orders are read one at a time with the order token.</summary>
    public Guid? CustomerId { get; init; }

    public OrderStatus Status { get; init; }

    /// <summary>The order's version this row shows; an event changes the row only when it carries a newer one.</summary>
    public int Version { get; init; }

    public string Currency { get; init; } = "";

    public decimal Total { get; init; }

    /// <summary>When the order was checked out: the lists' order and their from/to filter.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the order last moved, as of <see cref="Version"/>.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
