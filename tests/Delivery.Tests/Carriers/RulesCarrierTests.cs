using Marketplace.Delivery.Contracts;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Carriers;

/// <summary>The built-in carrier behind <see cref="IDeliveryCarrier"/>: booking, cancelling and tracking shipments on PostgreSQL.</summary>
public sealed class RulesCarrierTests(DeliveryFactory host) : IClassFixture<DeliveryFactory>
{
    [Fact]
    public async Task A_booking_gets_a_tracking_number_a_label_and_the_parcels_the_quote_counted()
    {
        var booked = await BookAsync(Shipment($"order-{Guid.NewGuid():N}", "courier", [Item(8000, quantity: 3)]));

        var shipment = Assert.IsType<ShipmentBooking.Booked>(booked).Shipment;
        Assert.Equal(("rules", "courier", 2), (shipment.CarrierId, shipment.ServiceId, shipment.Parcels));
        Assert.Matches("^MP[0-9A-HJKMNP-TV-Z]{12}$", shipment.TrackingNumber);
        Assert.Contains(shipment.TrackingNumber, shipment.LabelReference, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Booking_the_same_order_and_seller_concurrently_makes_one_shipment()
    {
        var request = Shipment($"order-{Guid.NewGuid():N}", "van", [Item(500)], To("DE", "10115"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => BookAsync(request)));

        var numbers = answers.Select(a => Assert.IsType<ShipmentBooking.Booked>(a).Shipment.TrackingNumber).Distinct().ToList();
        Assert.Single(numbers);
        var tracking = await WithCarrierAsync(c => c.TrackAsync(numbers[0], CancellationToken.None));
        Assert.Single(tracking!.Events);
    }

    [Fact]
    public async Task A_cancelled_shipment_tracks_both_events_and_a_second_cancel_changes_nothing()
    {
        var booked = (ShipmentBooking.Booked)await BookAsync(Shipment($"order-{Guid.NewGuid():N}", "courier", [Item(500)]));
        var number = booked.Shipment.TrackingNumber;

        var first = await WithCarrierAsync(c => c.CancelAsync(number, CancellationToken.None));
        var second = await WithCarrierAsync(c => c.CancelAsync(number, CancellationToken.None));
        var tracking = await WithCarrierAsync(c => c.TrackAsync(number, CancellationToken.None));

        Assert.Equal((ShipmentCancellation.Cancelled, ShipmentCancellation.AlreadyCancelled), (first, second));
        Assert.Equal(ShipmentStatus.Cancelled, tracking!.Status);
        Assert.Equal([ShipmentStatus.LabelCreated, ShipmentStatus.Cancelled], tracking.Events.Select(e => e.Status));
    }

    [Fact]
    public async Task An_unknown_tracking_number_is_not_found_by_cancel_or_track()
    {
        Assert.Equal(ShipmentCancellation.NotFound, await WithCarrierAsync(c => c.CancelAsync("MP0000000000XX", CancellationToken.None)));
        Assert.Null(await WithCarrierAsync(c => c.TrackAsync("MP0000000000XX", CancellationToken.None)));
    }

    [Theory]
    [InlineData("an unknown service", "drone", 500, "80331", "ServiceId")]
    [InlineData("a service that does not serve the address", "van", 500, "80331", "Destination")]
    [InlineData("goods the service cannot carry", "courier", 25_000, "80331", "Items")]
    [InlineData("an item without weight", "courier", 0, "80331", "Items[0].WeightGrams")]
    public async Task A_booking_the_carrier_cannot_take_is_refused_naming_the_field(string problem, string service, int grams, string postalCode, string field)
    {
        var answer = await BookAsync(Shipment($"order-{Guid.NewGuid():N}", service, [Item(grams)], To("DE", postalCode)));

        var refused = Assert.IsType<ShipmentBooking.Refused>(answer);
        Assert.True(refused.Errors.ContainsKey(field), $"{problem}: expected {field}, got {string.Join(", ", refused.Errors.Keys)}");
    }

    private static ShipmentRequest Shipment(string orderReference, string service, IReadOnlyList<DeliveryItem> items, DeliveryAddress? to = null) =>
        new(orderReference, Seller, service, to ?? To("DE", "80331"), items);

    private Task<ShipmentBooking> BookAsync(ShipmentRequest request) => WithCarrierAsync(c => c.CreateShipmentAsync(request, CancellationToken.None));

    private async Task<T> WithCarrierAsync<T>(Func<IDeliveryCarrier, Task<T>> act)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<IDeliveryCarrier>());
    }
}
