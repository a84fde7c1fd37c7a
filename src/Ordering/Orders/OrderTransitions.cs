namespace Marketplace.Ordering.Orders;

/// <summary>The named moves of a seller's order; the history records each by this name.</summary>
internal enum OrderTransition
{
    /// <summary>The payment of the order group was authorised.</summary>
    PaymentAuthorized,

    /// <summary>The payment was declined, or its 3-D Secure step failed.</summary>
    PaymentFailed,

    /// <summary>The payment's customer action (3-D Secure) was abandoned and expired.</summary>
    PaymentAbandoned,

    /// <summary>The seller takes the order on.</summary>
    Accept,

    /// <summary>The seller refuses the order, with a reason.</summary>
    Reject,

    /// <summary>The parcel left: carrier and tracking number, or the seller's own delivery.</summary>
    MarkShipped,

    /// <summary>The parcel arrived.</summary>
    MarkDelivered,

    /// <summary>The customer confirms receipt; the sale becomes final.</summary>
    ConfirmReceipt,

    /// <summary>The customer cancels before the seller ships.</summary>
    Cancel,

    /// <summary>The seller did not accept it by its accept-by deadline: the platform cancels it.</summary>
    AcceptDeadlineMissed,

    /// <summary>
    /// The group's payment authorisation lapsed uncaptured (Payments' <c>PaymentAuthorizationLapsed</c>): nothing was
    /// taken and nothing is held, so the order is cancelled before anyone fulfils it unpaid.
    /// </summary>
    PaymentAuthorizationLapsed,

    /// <summary>
    /// The group's payment was captured without this order (Payments' <c>PaymentCaptured</c> left it out: it was not
    /// accepted when the capture deadline came): its money was released, so the order is cancelled.
    /// </summary>
    PaymentNotCaptured,
}

/// <summary>What a transition carries besides its name.</summary>
internal sealed record TransitionDetails(string? Reason = null, string? Carrier = null, string? TrackingNumber = null)
{
    public static readonly TransitionDetails None = new();
}

/// <summary>
/// One named business rule a transition must keep, beyond its place in the table: broken, it refuses the transition
/// with its message (409), and nothing changes.
/// </summary>
internal sealed record TransitionGuard(string Name, Func<SellerOrder, OrderActor, TransitionDetails, bool> IsBroken, string Message);

/// <summary>One row of the transition table: from which states, to which one, who may ask, and the guards.</summary>
internal sealed record TransitionRule(OrderTransition Transition, OrderStatus[] From, OrderStatus To, ActorKind AllowedActors, TransitionGuard[] Guards);

/// <summary>
/// The one place that says how a seller's order moves: the transition table and its named guards. Handlers never
/// set a status themselves; they ask <see cref="SellerOrder.Apply"/>, which asks this table.
/// </summary>
internal static class OrderTransitions
{
    public static readonly TransitionGuard ReasonRequired = new(
        nameof(ReasonRequired),
        (_, _, details) => string.IsNullOrWhiteSpace(details.Reason),
        "A reason is required.");

    public static readonly TransitionGuard SellerDeliversOnlyItsOwnDelivery = new(
        nameof(SellerDeliversOnlyItsOwnDelivery),
        (order, actor, _) => actor.Kind == ActorKind.Seller && order.DeliveryKind != DeliveryKind.SellerOwnDelivery,
        "Only the carrier's tracking marks a carrier's parcel delivered; a seller marks delivered its own deliveries only.");

    public static readonly TransitionGuard CarrierShipmentNeedsTracking = new(
        nameof(CarrierShipmentNeedsTracking),
        (order, _, details) => order.DeliveryKind != DeliveryKind.SellerOwnDelivery
            && (string.IsNullOrWhiteSpace(details.Carrier) || string.IsNullOrWhiteSpace(details.TrackingNumber)),
        "A parcel handed to a carrier needs the carrier and the tracking number.");

    private static readonly Dictionary<OrderTransition, TransitionRule> Table = new TransitionRule[]
    {
        new(OrderTransition.PaymentAuthorized, [OrderStatus.PendingPayment], OrderStatus.Placed, ActorKind.System, []),
        new(OrderTransition.PaymentFailed, [OrderStatus.PendingPayment], OrderStatus.Cancelled, ActorKind.System, [ReasonRequired]),
        new(OrderTransition.PaymentAbandoned, [OrderStatus.PendingPayment], OrderStatus.Cancelled, ActorKind.System, []),
        new(OrderTransition.Accept, [OrderStatus.Placed], OrderStatus.Accepted, ActorKind.Seller | ActorKind.Admin, []),
        new(OrderTransition.Reject, [OrderStatus.Placed], OrderStatus.Cancelled, ActorKind.Seller | ActorKind.Admin, [ReasonRequired]),
        new(OrderTransition.MarkShipped, [OrderStatus.Accepted], OrderStatus.Shipped, ActorKind.Seller | ActorKind.System | ActorKind.Admin, [CarrierShipmentNeedsTracking]),
        new(OrderTransition.MarkDelivered, [OrderStatus.Shipped], OrderStatus.Delivered, ActorKind.Seller | ActorKind.System | ActorKind.Admin, [SellerDeliversOnlyItsOwnDelivery]),
        new(OrderTransition.ConfirmReceipt, [OrderStatus.Shipped, OrderStatus.Delivered], OrderStatus.Completed, ActorKind.Customer | ActorKind.System, []),
        new(OrderTransition.Cancel, [OrderStatus.PendingPayment, OrderStatus.Placed, OrderStatus.Accepted], OrderStatus.Cancelled, ActorKind.Customer | ActorKind.Admin, []),
        new(OrderTransition.AcceptDeadlineMissed, [OrderStatus.Placed], OrderStatus.Cancelled, ActorKind.System, [ReasonRequired]),

        // An order accepted in Ordering whose acceptance Payments had not heard of when it decided is unpaid all the same.
        new(OrderTransition.PaymentAuthorizationLapsed, [OrderStatus.Placed, OrderStatus.Accepted], OrderStatus.Cancelled, ActorKind.System, [ReasonRequired]),
        new(OrderTransition.PaymentNotCaptured, [OrderStatus.Placed, OrderStatus.Accepted], OrderStatus.Cancelled, ActorKind.System, [ReasonRequired]),
    }.ToDictionary(rule => rule.Transition);

    public static TransitionRule RuleOf(OrderTransition transition) => Table[transition];

    /// <summary>Every row, for documentation and for the tests that walk the whole table.</summary>
    public static IReadOnlyCollection<TransitionRule> All => Table.Values;
}
