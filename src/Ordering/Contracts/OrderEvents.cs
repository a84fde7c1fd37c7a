using Marketplace.Platform;

namespace Marketplace.Ordering.Contracts;

/// <summary>
/// A seller's order is placed: its payment is authorised, its stock is sold. Published through the Ordering outbox, one
/// per seller order of the group.
/// </summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number, as customer and seller quote it.</param>
/// <param name="SellerId">The seller that must accept it.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="Total">What the customer pays for this order (items and delivery).</param>
/// <param name="OccurredAt">When it was placed.</param>
public sealed record OrderPlaced(Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset OccurredAt);

/// <summary>The seller took the order on.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="OccurredAt">When it was accepted.</param>
public sealed record OrderAccepted(Guid OrderId, Guid SellerId, DateTimeOffset OccurredAt);

/// <summary>The order left the seller.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Carrier">The carrier, or null for the seller's own delivery.</param>
/// <param name="TrackingNumber">The carrier's tracking number, or null.</param>
/// <param name="OccurredAt">When it was marked shipped.</param>
public sealed record OrderShipped(Guid OrderId, Guid SellerId, string? Carrier, string? TrackingNumber, DateTimeOffset OccurredAt);

/// <summary>The order reached the customer (delivered), or the customer confirmed receipt (completed).</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="ConfirmedByCustomer">True when the customer confirmed receipt (the order is completed).</param>
/// <param name="OccurredAt">When.</param>
public sealed record OrderDelivered(Guid OrderId, Guid SellerId, bool ConfirmedByCustomer, DateTimeOffset OccurredAt);

/// <summary>The order ended before shipping: payment failed or abandoned, the seller rejected it, or the customer cancelled it.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Transition">The transition that cancelled it (<c>PaymentFailed</c>, <c>PaymentAbandoned</c>, <c>Reject</c>, <c>Cancel</c>).</param>
/// <param name="Reason">Why, when one was given.</param>
/// <param name="WasPlaced">True when it had been placed (its stock was sold and must come back).</param>
/// <param name="OccurredAt">When.</param>
public sealed record OrderCancelled(Guid OrderId, Guid OrderGroupId, Guid SellerId, string Transition, string? Reason, bool WasPlaced, DateTimeOffset OccurredAt);
