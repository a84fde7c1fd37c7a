using Marketplace.Platform;

namespace Marketplace.Ordering.Contracts;

// Every order event restates what the order is (group, number, customer, total, checkout time) and carries the order's
// version after the move: events may reach a reader late, twice or out of order, and a reader (Ordering's own order
// lists first) must be able to build its view from whichever event comes first and tell a newer move from an older one.

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
/// <param name="CreatedAt">When it was checked out (before its payment settled, for a 3-D Secure payment).</param>
/// <param name="Version">The order's version after this move; a reader applies an event only when it is newer than what it holds.</param>
/// <param name="OccurredAt">When it was placed.</param>
/// <param name="Lines">
/// The order's lines as priced at checkout (Payments computes the platform's commission from them); null in events
/// written before the lines were carried.
/// </param>
public sealed record OrderPlaced(
    Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset CreatedAt, int Version, DateTimeOffset OccurredAt,
    IReadOnlyList<OrderPlacedLine>? Lines = null);

/// <summary>One line of a placed order.</summary>
/// <param name="OfferId">The seller's offer bought.</param>
/// <param name="CategoryId">The product's category at checkout.</param>
/// <param name="LineTotal">What the line costs after its discounts, all units together.</param>
/// <param name="Quantity">Units bought; null in events written before it was carried.</param>
public sealed record OrderPlacedLine(Guid OfferId, Guid CategoryId, Money LineTotal, int? Quantity = null);

/// <summary>The seller took the order on.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="Total">What the customer pays for this order.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="Version">The order's version after this move; a reader applies an event only when it is newer than what it holds.</param>
/// <param name="OccurredAt">When it was accepted.</param>
public sealed record OrderAccepted(
    Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset CreatedAt, int Version, DateTimeOffset OccurredAt);

/// <summary>The order left the seller.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="Total">What the customer pays for this order.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="Carrier">The carrier, or null for the seller's own delivery.</param>
/// <param name="TrackingNumber">The carrier's tracking number, or null.</param>
/// <param name="Version">The order's version after this move; a reader applies an event only when it is newer than what it holds.</param>
/// <param name="OccurredAt">When it was marked shipped.</param>
public sealed record OrderShipped(
    Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset CreatedAt,
    string? Carrier, string? TrackingNumber, int Version, DateTimeOffset OccurredAt);

/// <summary>The order reached the customer (delivered), or the customer confirmed receipt (completed).</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="Total">What the customer pays for this order.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="ConfirmedByCustomer">True when the customer confirmed receipt (the order is completed).</param>
/// <param name="Version">The order's version after this move; a reader applies an event only when it is newer than what it holds.</param>
/// <param name="OccurredAt">When.</param>
public sealed record OrderDelivered(
    Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset CreatedAt,
    bool ConfirmedByCustomer, int Version, DateTimeOffset OccurredAt);

/// <summary>The order ended before shipping: payment failed or abandoned, the seller rejected it, or the customer cancelled it.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="Total">What the customer would have paid for this order.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="Transition">The transition that cancelled it (<c>PaymentFailed</c>, <c>PaymentAbandoned</c>, <c>Reject</c>, <c>Cancel</c>, <c>AcceptDeadlineMissed</c> when the seller did not accept it in time, <c>PaymentAuthorizationLapsed</c> when the payment's authorisation lapsed uncaptured, or <c>PaymentNotCaptured</c> when the group's capture left it out).</param>
/// <param name="Reason">Why, when one was given.</param>
/// <param name="WasPlaced">True when it had been placed (its stock was sold and must come back); false for an order whose payment never went through.</param>
/// <param name="Version">The order's version after this move; a reader applies an event only when it is newer than what it holds.</param>
/// <param name="OccurredAt">When.</param>
public sealed record OrderCancelled(
    Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset CreatedAt,
    string Transition, string? Reason, bool WasPlaced, int Version, DateTimeOffset OccurredAt);
