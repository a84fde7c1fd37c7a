using MassTransit;
using Marketplace.Platform;

namespace Marketplace.Payments.Contracts;

// Ordering's order events, as Payments reads them. Ordering references Payments (checkout calls IPayments), so Payments
// cannot reference Ordering's contracts; it declares the fields it reads under the same message URN, and MassTransit
// hands it the events Ordering publishes (exchanges are named after the URN: Platform's DeclaredUrnEntityNameFormatter on RabbitMQ, MassTransit's own in memory).
// They are public only because MassTransit declares the exchanges of non-public message types as temporary, which
// would clash with Ordering's durable ones. Nobody publishes these: publish Ordering's own records. A test in
// Payments.Tests holds them to Ordering's records.

/// <summary>Payments' reading of Ordering's <c>OrderPlaced</c>: a seller order of the group is placed, its share of the payment held. Never published as such.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout (and payment) it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Total">What the customer pays for this order.</param>
/// <param name="Version">The order's version after this move.</param>
/// <param name="Lines">The order's lines, which the commission is computed from; null in events written before Ordering carried them.</param>
[MessageUrn(OrderEventUrns.Placed)]
public sealed record OrderPlacedRead(Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Money Total, int Version, IReadOnlyList<OrderPlacedLineRead>? Lines = null);

/// <summary>Payments' reading of a line of Ordering's <c>OrderPlaced</c> (<c>OrderPlacedLine</c>).</summary>
/// <param name="OfferId">The seller's offer bought.</param>
/// <param name="CategoryId">The product's category at checkout: it chooses the commission rate.</param>
/// <param name="LineTotal">What the line costs after its discounts.</param>
public sealed record OrderPlacedLineRead(Guid OfferId, Guid CategoryId, Money LineTotal);

/// <summary>Payments' reading of Ordering's <c>OrderAccepted</c>: the seller took the order on, so its share is to be captured. Never published as such.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout (and payment) it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Total">What the customer pays for this order.</param>
/// <param name="Version">The order's version after this move.</param>
[MessageUrn(OrderEventUrns.Accepted)]
public sealed record OrderAcceptedRead(Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Money Total, int Version);

/// <summary>Payments' reading of Ordering's <c>OrderCancelled</c>: the order ended before shipping (rejected, cancelled, or its accept deadline missed). Never published as such.</summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout (and payment) it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Total">What the customer would have paid for this order.</param>
/// <param name="WasPlaced">True when it had been placed (it held a share of the payment).</param>
/// <param name="Version">The order's version after this move.</param>
[MessageUrn(OrderEventUrns.Cancelled)]
public sealed record OrderCancelledRead(Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Money Total, bool WasPlaced, int Version);

/// <summary>
/// Payments' reading of Ordering's <c>OrderDelivered</c>: the carrier delivered the order, or the customer confirmed
/// receipt; the seller's share becomes payable once the protection window after the first of them has passed. Never
/// published as such.
/// </summary>
/// <param name="OrderId">The seller order.</param>
/// <param name="OrderGroupId">The checkout (and payment) it belongs to.</param>
/// <param name="Number">The order's number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Total">What the customer pays for this order.</param>
/// <param name="ConfirmedByCustomer">True when the customer confirmed receipt.</param>
/// <param name="Version">The order's version after this move.</param>
/// <param name="OccurredAt">When it was delivered or confirmed.</param>
[MessageUrn(OrderEventUrns.Delivered)]
public sealed record OrderDeliveredRead(Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, Money Total, bool ConfirmedByCustomer, int Version, DateTimeOffset OccurredAt);

/// <summary>The message URNs of Ordering's order events that Payments reads.</summary>
public static class OrderEventUrns
{
    /// <summary>Ordering's <c>OrderPlaced</c>.</summary>
    public const string Placed = "Marketplace.Ordering.Contracts:OrderPlaced";

    /// <summary>Ordering's <c>OrderAccepted</c>.</summary>
    public const string Accepted = "Marketplace.Ordering.Contracts:OrderAccepted";

    /// <summary>Ordering's <c>OrderCancelled</c>.</summary>
    public const string Cancelled = "Marketplace.Ordering.Contracts:OrderCancelled";

    /// <summary>Ordering's <c>OrderDelivered</c>.</summary>
    public const string Delivered = "Marketplace.Ordering.Contracts:OrderDelivered";
}
