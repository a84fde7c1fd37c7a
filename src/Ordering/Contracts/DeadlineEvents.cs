namespace Marketplace.Ordering.Contracts;

/// <summary>
/// A seller's order was not shipped by its ship-by deadline: the order is flagged, the seller is told (partner webhook
/// <c>order.ship_deadline_missed</c>), and it counts against the seller's on-time dispatch rate. Published once per order
/// through the Ordering outbox.
/// </summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller that missed it.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="Status">Where the order stands: <c>placed</c> or <c>accepted</c>.</param>
/// <param name="ShipBy">The deadline that passed.</param>
/// <param name="Version">The order's version when it was flagged (a flag is not a move: the version is unchanged).</param>
/// <param name="OccurredAt">When the deadline's timer found it not shipped.</param>
public sealed record OrderShipDeadlineMissed(
    Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, string Status, DateTimeOffset ShipBy, int Version, DateTimeOffset OccurredAt);
