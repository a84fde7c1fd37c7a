using Marketplace.Payments.Contracts;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Escrow;

/// <summary>Payments' readings of Ordering's events carry Ordering's message URNs and read only fields Ordering's records have.</summary>
public sealed class OrderEventReadingTests
{
    public static TheoryData<Type, Type> Pairs() => new()
    {
        { typeof(OrderPlacedRead), typeof(Marketplace.Ordering.Contracts.OrderPlaced) },
        { typeof(OrderAcceptedRead), typeof(Marketplace.Ordering.Contracts.OrderAccepted) },
        { typeof(OrderCancelledRead), typeof(Marketplace.Ordering.Contracts.OrderCancelled) },
        { typeof(OrderDeliveredRead), typeof(Marketplace.Ordering.Contracts.OrderDelivered) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_reading_has_the_urn_and_the_field_names_and_types_of_Orderings_event(Type reading, Type ordering) =>
        ContractReadings.AssertReads(reading, ordering);
}
