using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Tests.Orders;

/// <summary>The transition table, checked against the business's own statement of which move is legal from where.</summary>
public sealed class OrderTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static readonly TransitionDetails Complete = new("because", "DHL", "JJD000390007");

    /// <summary>Written out by hand from the order lifecycle, not derived from the table it checks.</summary>
    private static readonly Dictionary<OrderStatus, OrderTransition[]> Legal = new()
    {
        [OrderStatus.PendingPayment] = [OrderTransition.PaymentAuthorized, OrderTransition.PaymentFailed, OrderTransition.PaymentAbandoned, OrderTransition.Cancel],
        [OrderStatus.Placed] = [OrderTransition.Accept, OrderTransition.Reject, OrderTransition.Cancel, OrderTransition.AcceptDeadlineMissed,
            OrderTransition.PaymentAuthorizationLapsed, OrderTransition.PaymentNotCaptured],
        [OrderStatus.Accepted] = [OrderTransition.MarkShipped, OrderTransition.Cancel, OrderTransition.PaymentAuthorizationLapsed, OrderTransition.PaymentNotCaptured],
        [OrderStatus.Shipped] = [OrderTransition.MarkDelivered, OrderTransition.ConfirmReceipt],
        [OrderStatus.Delivered] = [OrderTransition.ConfirmReceipt],
        [OrderStatus.Completed] = [],
        [OrderStatus.Cancelled] = [],
    };

    /// <summary>How each state is reached in these tests; the last step is the transition a repeat would repeat.</summary>
    private static readonly Dictionary<OrderStatus, OrderTransition[]> Paths = new()
    {
        [OrderStatus.PendingPayment] = [],
        [OrderStatus.Placed] = [OrderTransition.PaymentAuthorized],
        [OrderStatus.Accepted] = [OrderTransition.PaymentAuthorized, OrderTransition.Accept],
        [OrderStatus.Shipped] = [OrderTransition.PaymentAuthorized, OrderTransition.Accept, OrderTransition.MarkShipped],
        [OrderStatus.Delivered] = [OrderTransition.PaymentAuthorized, OrderTransition.Accept, OrderTransition.MarkShipped, OrderTransition.MarkDelivered],
        [OrderStatus.Completed] = [OrderTransition.PaymentAuthorized, OrderTransition.Accept, OrderTransition.MarkShipped, OrderTransition.MarkDelivered, OrderTransition.ConfirmReceipt],
        [OrderStatus.Cancelled] = [OrderTransition.PaymentFailed],
    };

    public static TheoryData<string, string> EveryStateAndTransition()
    {
        var data = new TheoryData<string, string>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var transition in Enum.GetValues<OrderTransition>())
            {
                data.Add(status.ToString(), transition.ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStateAndTransition))]
    public void Each_transition_moves_from_the_states_the_lifecycle_allows_repeats_change_nothing_and_the_rest_are_refused(string statusName, string transitionName)
    {
        var (status, transition) = (Enum.Parse<OrderStatus>(statusName), Enum.Parse<OrderTransition>(transitionName));
        var order = OrderAt(status);
        var before = (order.Status, order.Version, order.History.Count);

        var outcome = order.Apply(transition, AllowedActor(transition), Complete, Now.AddHours(1));

        if (Legal[status].Contains(transition))
        {
            Assert.Equal(TransitionOutcomeKind.Moved, outcome.Kind);
            Assert.Equal(status, outcome.From);
            Assert.Equal(order.Status, outcome.To);
            Assert.Equal(before.Version + 1, order.Version);
            Assert.Equal(transition, order.History[^1].Transition);
            return;
        }

        var repeat = Paths[status].Length > 0 && Paths[status][^1] == transition;
        Assert.Equal(repeat ? TransitionOutcomeKind.Unchanged : TransitionOutcomeKind.Refused, outcome.Kind);
        if (!repeat)
        {
            Assert.Equal("IllegalTransition", outcome.Rule);
            Assert.Contains(status.ToString(), outcome.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, (order.Status, order.Version, order.History.Count));
    }

    [Fact]
    public void A_transition_writes_who_when_and_why_into_the_history_and_bumps_the_version()
    {
        var order = OrderAt(OrderStatus.Placed);
        var seller = OrderActor.Seller(order.SellerId);

        order.Apply(OrderTransition.Reject, seller, new TransitionDetails("  Out of stock in the warehouse "), Now.AddHours(2));

        var row = order.History[^1];
        Assert.Equal((OrderTransition.Reject, OrderStatus.Placed, OrderStatus.Cancelled), (row.Transition, row.From, row.To));
        Assert.Equal((ActorKind.Seller, order.SellerId.ToString()), (row.ActorKind, row.ActorId));
        Assert.Equal("Out of stock in the warehouse", row.Reason);
        Assert.Equal(Now.AddHours(2), row.At);
        Assert.Equal(order.Version, row.Version);
        Assert.Equal("Out of stock in the warehouse", order.CancellationReason);
    }

    [Theory]
    [InlineData("Reject", "Seller")]
    [InlineData("PaymentFailed", "System")]
    public void A_rejection_or_a_failed_payment_without_a_reason_is_refused_by_its_named_rule(string transitionName, string actor)
    {
        var transition = Enum.Parse<OrderTransition>(transitionName);
        var order = OrderAt(transition == OrderTransition.Reject ? OrderStatus.Placed : OrderStatus.PendingPayment);

        var outcome = order.Apply(transition, new OrderActor(Enum.Parse<ActorKind>(actor), "x"), new TransitionDetails(" "), Now);

        Assert.Equal((TransitionOutcomeKind.Refused, nameof(OrderTransitions.ReasonRequired)), (outcome.Kind, outcome.Rule));
        Assert.DoesNotContain(order.History, h => h.Transition == transition);
    }

    [Fact]
    public void A_seller_marks_delivered_its_own_delivery_but_not_a_carriers_parcel()
    {
        var own = OrderAt(OrderStatus.Shipped, DeliveryKind.SellerOwnDelivery);
        var courier = OrderAt(OrderStatus.Shipped, DeliveryKind.CourierToDoor);

        var ownOutcome = own.Apply(OrderTransition.MarkDelivered, OrderActor.Seller(own.SellerId), TransitionDetails.None, Now);
        var courierOutcome = courier.Apply(OrderTransition.MarkDelivered, OrderActor.Seller(courier.SellerId), TransitionDetails.None, Now);
        var tracked = courier.Apply(OrderTransition.MarkDelivered, OrderActor.System("carrier-tracking"), TransitionDetails.None, Now);

        Assert.Equal(TransitionOutcomeKind.Moved, ownOutcome.Kind);
        Assert.Equal((TransitionOutcomeKind.Refused, nameof(OrderTransitions.SellerDeliversOnlyItsOwnDelivery)), (courierOutcome.Kind, courierOutcome.Rule));
        Assert.Equal(TransitionOutcomeKind.Moved, tracked.Kind);
    }

    [Fact]
    public void A_carrier_shipment_needs_carrier_and_tracking_number_and_the_sellers_own_delivery_does_not()
    {
        var courier = OrderAt(OrderStatus.Accepted, DeliveryKind.PickupPoint);
        var own = OrderAt(OrderStatus.Accepted, DeliveryKind.SellerOwnDelivery);

        var untracked = courier.Apply(OrderTransition.MarkShipped, OrderActor.Seller(courier.SellerId), new TransitionDetails(Carrier: "DHL"), Now);
        var tracked = courier.Apply(OrderTransition.MarkShipped, OrderActor.Seller(courier.SellerId), new TransitionDetails(Carrier: " DHL ", TrackingNumber: " JJD1 "), Now);
        var ownOutcome = own.Apply(OrderTransition.MarkShipped, OrderActor.Seller(own.SellerId), TransitionDetails.None, Now);

        Assert.Equal(nameof(OrderTransitions.CarrierShipmentNeedsTracking), untracked.Rule);
        Assert.Equal(TransitionOutcomeKind.Moved, tracked.Kind);
        Assert.Equal(("DHL", "JJD1"), (courier.Carrier, courier.TrackingNumber));
        Assert.Equal(TransitionOutcomeKind.Moved, ownOutcome.Kind);
    }

    [Theory]
    [InlineData("Accept", "Customer")]
    [InlineData("Cancel", "Seller")]
    [InlineData("PaymentAuthorized", "Customer")]
    [InlineData("PaymentAuthorized", "Seller")]
    [InlineData("ConfirmReceipt", "Seller")]
    public void A_caller_of_the_wrong_kind_is_not_allowed_and_nothing_changes(string transitionName, string actor)
    {
        var transition = Enum.Parse<OrderTransition>(transitionName);
        var order = OrderAt(Legal.First(l => l.Value.Contains(transition)).Key);
        var version = order.Version;

        var outcome = order.Apply(transition, new OrderActor(Enum.Parse<ActorKind>(actor), "x"), Complete, Now);

        Assert.Equal(TransitionOutcomeKind.NotAllowed, outcome.Kind);
        Assert.Equal(version, order.Version);
    }

    [Fact]
    public void A_customer_cannot_cancel_once_the_seller_has_shipped()
    {
        var order = OrderAt(OrderStatus.Shipped);

        var outcome = order.Apply(OrderTransition.Cancel, OrderActor.Customer(Guid.NewGuid()), TransitionDetails.None, Now);

        Assert.Equal(TransitionOutcomeKind.Refused, outcome.Kind);
        Assert.Equal(OrderStatus.Shipped, order.Status);
    }

    [Fact]
    public void A_cancellation_by_the_customer_after_the_seller_rejected_is_refused_not_taken_for_a_repeat()
    {
        var order = OrderAt(OrderStatus.Placed);
        order.Apply(OrderTransition.Reject, OrderActor.Seller(order.SellerId), new TransitionDetails("No stock"), Now);

        var outcome = order.Apply(OrderTransition.Cancel, OrderActor.Customer(null), TransitionDetails.None, Now);

        Assert.Equal(TransitionOutcomeKind.Refused, outcome.Kind);
        Assert.Equal("No stock", order.CancellationReason);
    }

    private static OrderActor AllowedActor(OrderTransition transition)
    {
        var allowed = OrderTransitions.RuleOf(transition).AllowedActors;
        // The platform's own actor where allowed: a seller's guard on carrier parcels is a separate test.
        var kind = new[] { ActorKind.System, ActorKind.Admin, ActorKind.Customer, ActorKind.Seller }.First(k => (allowed & k) != 0);
        return new OrderActor(kind, "test");
    }

    private static SellerOrder OrderAt(OrderStatus status, DeliveryKind delivery = DeliveryKind.CourierToDoor)
    {
        var order = new SellerOrder
        {
            Id = Guid.NewGuid(),
            GroupId = Guid.NewGuid(),
            SellerId = Guid.NewGuid(),
            Number = "M-1000-1",
            DeliveryKind = delivery,
            CreatedAt = Now,
        };
        foreach (var step in Paths[status])
        {
            var outcome = order.Apply(step, AllowedActor(step), Complete, Now);
            Assert.Equal(TransitionOutcomeKind.Moved, outcome.Kind);
        }

        Assert.Equal(status, order.Status);
        return order;
    }
}
