using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Reading;

namespace Marketplace.Ordering.Tests.Reading;

/// <summary>A parcel's arrival window follows its tracking: the quote's window, moved and narrowed by what the carrier reports.</summary>
public sealed class ParcelEtaTests
{
    // Quoted on Monday 7 December: dispatch Tuesday the 8th, arrival between Thursday the 10th and Friday the 11th.
    private static readonly DateOnly Planned = new(2026, 12, 8);
    private static readonly SellerOrder Order = new() { Delivery = new DeliverySnapshot { EtaEarliest = new(2026, 12, 10), EtaLatest = new(2026, 12, 11) } };

    [Fact]
    public void A_parcel_not_yet_handed_over_keeps_the_quoted_window()
    {
        var eta = ParcelTimelines.Eta(Parcel(ShipmentStatus.LabelCreated, (Day(7), ShipmentStatus.LabelCreated)), Order, Planned, today: new(2026, 12, 7));

        Assert.Equal((new DateOnly(2026, 12, 10), new DateOnly(2026, 12, 11)), eta);
    }

    [Fact]
    public void A_handover_two_days_late_moves_the_window_two_days_on()
    {
        var eta = ParcelTimelines.Eta(Parcel(ShipmentStatus.InTransit, (Day(10), ShipmentStatus.HandedOver), (Day(11), ShipmentStatus.InTransit)), Order, Planned, today: new(2026, 12, 11));

        Assert.Equal((new DateOnly(2026, 12, 12), new DateOnly(2026, 12, 13)), eta);
    }

    [Fact]
    public void A_handover_a_day_early_keeps_the_quoted_window()
    {
        var eta = ParcelTimelines.Eta(Parcel(ShipmentStatus.HandedOver, (Day(7), ShipmentStatus.HandedOver)), Order, Planned, today: new(2026, 12, 7));

        Assert.Equal((new DateOnly(2026, 12, 10), new DateOnly(2026, 12, 11)), eta);
    }

    [Theory]
    [InlineData(ShipmentStatus.AtPickupPoint)]
    [InlineData(ShipmentStatus.OutForDelivery)]
    [InlineData(ShipmentStatus.Delivered)]
    public void At_a_pickup_point_out_for_delivery_or_delivered_the_window_is_that_day(ShipmentStatus status)
    {
        var eta = ParcelTimelines.Eta(Parcel(status, (Day(8), ShipmentStatus.HandedOver), (Day(9), status)), Order, Planned, today: new(2026, 12, 12));

        Assert.Equal((new DateOnly(2026, 12, 9), new DateOnly(2026, 12, 9)), eta);
    }

    [Fact]
    public void After_a_failed_attempt_it_arrives_no_sooner_than_the_next_day()
    {
        var eta = ParcelTimelines.Eta(Parcel(ShipmentStatus.FailedAttempt, (Day(8), ShipmentStatus.HandedOver), (Day(11), ShipmentStatus.FailedAttempt)), Order, Planned, today: new(2026, 12, 11));

        Assert.Equal((new DateOnly(2026, 12, 12), new DateOnly(2026, 12, 12)), eta);
    }

    [Fact]
    public void A_parcel_still_moving_after_its_window_is_expected_from_today_not_in_the_past()
    {
        var eta = ParcelTimelines.Eta(Parcel(ShipmentStatus.InTransit, (Day(8), ShipmentStatus.HandedOver), (Day(9), ShipmentStatus.InTransit)), Order, Planned, today: new(2026, 12, 14));

        Assert.Equal((new DateOnly(2026, 12, 14), new DateOnly(2026, 12, 14)), eta);
    }

    private static DateTimeOffset Day(int day) => new(2026, 12, day, 10, 0, 0, TimeSpan.Zero);

    private static TrackedParcel Parcel(ShipmentStatus status, params (DateTimeOffset At, ShipmentStatus Status)[] events) =>
        new(Guid.NewGuid(), "cdek", "1000000001", null, true, status, events[0].At, [.. events.Select(e => new ShipmentEvent(e.At, e.Status, e.Status.ToString()))]);
}
