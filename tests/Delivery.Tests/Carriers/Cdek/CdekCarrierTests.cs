using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;

namespace Marketplace.Delivery.Tests.Carriers.Cdek;

/// <summary>The CDEK adapter against the double of CDEK API v2, through the real host's DI and database.</summary>
public sealed class CdekCarrierTests(CdekFactory factory) : IClassFixture<CdekFactory>
{
    private readonly CdekFactory _factory = factory;

    private static CarrierQuoteInput Input(DeliveryAddress destination) => new("EUR", destination, CdekFactory.Parcel(), DateTimeOffset.UtcNow);

    [Fact]
    public async Task Quotes_come_from_the_tariff_list_with_price_kind_and_working_day_eta()
    {
        var quote = await _factory.WithCarrierAsync(c => c.QuoteAsync(Input(CdekFactory.Moscow), CancellationToken.None));

        Assert.Equal(["cdek-136", "cdek-137", "cdek-368"], quote.Options.Select(o => o.OptionId).Order());
        var door = quote.Options.Single(o => o.ServiceId == "137");

        // 800 g in a 200×150×100 mm box: one started kilogram at 50 a kilogram on top of 400.
        Assert.Equal(TestRules.Eur(450m), door.Price);
        Assert.Equal(DeliveryServiceKind.CourierToDoor, door.Kind);
        Assert.Equal(DeliveryServiceKind.PickupPoint, quote.Options.Single(o => o.ServiceId == "368").Kind);
        Assert.True(door.Eta.Earliest > door.Eta.DispatchDate);
        Assert.True(door.Eta.Latest > door.Eta.Earliest);
    }

    [Fact]
    public async Task A_token_that_expires_mid_flow_is_renewed_once_and_the_call_succeeds()
    {
        await _factory.WithCarrierAsync(c => c.QuoteAsync(Input(CdekFactory.Moscow), CancellationToken.None));
        var tokens = _factory.Cdek.TokensIssued;
        var calls = _factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist");

        _factory.Cdek.ExpireTokens();
        var quote = await _factory.WithCarrierAsync(c => c.QuoteAsync(Input(CdekFactory.Moscow), CancellationToken.None));

        Assert.NotEmpty(quote.Options);
        Assert.Equal(tokens + 1, _factory.Cdek.TokensIssued);

        // The refused call, then the same call with the new token.
        Assert.Equal(calls + 2, _factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist"));
    }

    [Fact]
    public async Task An_order_is_created_asynchronously_read_back_until_accepted_and_booked_once()
    {
        _factory.Cdek.ReadsUntilAccepted = 3;
        var request = CdekFactory.Shipment($"order-{Guid.NewGuid():N}");

        var booking = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(request, CancellationToken.None));
        var booked = Assert.IsType<ShipmentBooking.Booked>(booking).Shipment;

        Assert.Equal("cdek", booked.CarrierId);
        Assert.Equal("137", booked.ServiceId);
        Assert.Matches("^[0-9]{10}$", booked.TrackingNumber);
        Assert.StartsWith(_factory.Cdek.Address + "/v2/print/orders/", booked.LabelReference);
        Assert.True(_factory.Cdek.Calls.Count(c => c.StartsWith("GET /v2/orders/", StringComparison.Ordinal)) >= 3);

        var orders = _factory.Cdek.OrderCount;
        var posts = _factory.Cdek.CountOf("POST", "/v2/orders");
        var again = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(request, CancellationToken.None));

        Assert.Equal(booked, Assert.IsType<ShipmentBooking.Booked>(again).Shipment);
        Assert.Equal(orders, _factory.Cdek.OrderCount);
        Assert.Equal(posts, _factory.Cdek.CountOf("POST", "/v2/orders"));
    }

    [Fact]
    public async Task An_order_CDEK_finds_invalid_is_refused_with_its_errors_and_can_be_booked_again_corrected()
    {
        // Tariff 136 ends at a CDEK office: without a pickup point CDEK accepts the request, then marks it INVALID.
        var reference = $"order-{Guid.NewGuid():N}";
        var booking = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(CdekFactory.Shipment(reference, "136"), CancellationToken.None));

        var refused = Assert.IsType<ShipmentBooking.Refused>(booking);
        Assert.Contains("v2_delivery_point_is_empty", refused.Errors[nameof(ShipmentRequest.Destination)][0]);

        var corrected = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(CdekFactory.Shipment(reference, "136", "MSK123"), CancellationToken.None));
        Assert.IsType<ShipmentBooking.Booked>(corrected);
    }

    [Fact]
    public async Task A_request_without_a_recipient_is_refused_before_anything_is_sent()
    {
        var posts = _factory.Cdek.CountOf("POST", "/v2/orders");
        var request = CdekFactory.Shipment($"order-{Guid.NewGuid():N}") with { Recipient = null };

        var booking = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(request, CancellationToken.None));

        Assert.Contains(nameof(ShipmentRequest.Recipient), Assert.IsType<ShipmentBooking.Refused>(booking).Errors.Keys);
        Assert.Equal(posts, _factory.Cdek.CountOf("POST", "/v2/orders"));
    }

    [Fact]
    public async Task Server_errors_on_reads_are_retried()
    {
        var tracking = await BookAsync();
        var reads = _factory.Cdek.CountOf("GET", "/v2/orders");

        _factory.Cdek.FailNextCalls = 2;
        var tracked = await _factory.WithCarrierAsync(c => c.TrackAsync(tracking, CancellationToken.None));

        Assert.NotNull(tracked);
        Assert.Equal(reads + 3, _factory.Cdek.CountOf("GET", "/v2/orders"));
    }

    [Fact]
    public async Task A_server_error_on_order_creation_is_not_retried_and_the_next_try_books_exactly_one_order()
    {
        await _factory.WithCarrierAsync(c => c.QuoteAsync(Input(CdekFactory.Moscow), CancellationToken.None));
        var request = CdekFactory.Shipment($"order-{Guid.NewGuid():N}");
        var posts = _factory.Cdek.CountOf("POST", "/v2/orders");
        var orders = _factory.Cdek.OrderCount;

        _factory.Cdek.FailNextCalls = 1;
        await Assert.ThrowsAsync<CarrierUnavailableException>(() => _factory.WithCarrierAsync(c => c.CreateShipmentAsync(request, CancellationToken.None)));
        Assert.Equal(posts + 1, _factory.Cdek.CountOf("POST", "/v2/orders"));

        // The next try asks CDEK by our number first (the failed POST might have made the order), then sends it once.
        var booking = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(request, CancellationToken.None));

        Assert.IsType<ShipmentBooking.Booked>(booking);
        Assert.Equal(posts + 2, _factory.Cdek.CountOf("POST", "/v2/orders"));
        Assert.Equal(orders + 1, _factory.Cdek.OrderCount);
        Assert.Contains("GET /v2/orders", _factory.Cdek.Calls);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        await _factory.WithCarrierAsync(c => c.QuoteAsync(Input(CdekFactory.Moscow), CancellationToken.None));
        var calls = _factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist");

        // The double serves Russia only: Germany is a 400 with CDEK's errors.
        var quote = await _factory.WithCarrierAsync(c => c.QuoteAsync(Input(new DeliveryAddress("DE", "10115", "Berlin", ["Unter den Linden 1"])), CancellationToken.None));

        Assert.Empty(quote.Options);
        var unavailable = Assert.Single(quote.Unavailable);
        Assert.Equal(UnavailableReason.ZoneNotServed, unavailable.Reason);
        Assert.Contains("No city found", unavailable.Detail);
        Assert.Equal(calls + 1, _factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist"));
    }

    [Fact]
    public async Task Cancelling_before_handover_deletes_the_order_once_and_after_handover_is_too_late()
    {
        var tracking = await BookAsync();

        Assert.Equal(ShipmentCancellation.Cancelled, await _factory.WithCarrierAsync(c => c.CancelAsync(tracking, CancellationToken.None)));
        Assert.Equal("REMOVED", _factory.Cdek.StatusOf(tracking));
        Assert.Equal(ShipmentCancellation.AlreadyCancelled, await _factory.WithCarrierAsync(c => c.CancelAsync(tracking, CancellationToken.None)));

        var handedOver = await BookAsync();
        _factory.Cdek.AddStatus(handedOver, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Received at shipment warehouse", DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(ShipmentCancellation.TooLate, await _factory.WithCarrierAsync(c => c.CancelAsync(handedOver, CancellationToken.None)));
        Assert.Equal(ShipmentCancellation.NotFound, await _factory.WithCarrierAsync(c => c.CancelAsync("9999999999", CancellationToken.None)));
    }

    [Fact]
    public async Task Tracking_maps_CDEK_statuses_oldest_first_and_a_late_event_does_not_move_the_status_back()
    {
        var tracking = await BookAsync();
        var now = DateTimeOffset.UtcNow;
        _factory.Cdek.AddStatus(tracking, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Received", now.AddMinutes(1));
        _factory.Cdek.AddStatus(tracking, "TAKEN_BY_COURIER", "Taken by courier", now.AddMinutes(3));
        _factory.Cdek.AddStatus(tracking, "NOT_DELIVERED", "Not delivered", now.AddMinutes(4));
        _factory.Cdek.AddStatus(tracking, "TAKEN_BY_COURIER", "Taken by courier", now.AddMinutes(5));
        _factory.Cdek.AddStatus(tracking, "DELIVERED", "Delivered", now.AddMinutes(6));

        // Reported late, dated before delivery: it changes nothing.
        _factory.Cdek.AddStatus(tracking, "SENT_TO_RECIPIENT_CITY", "Sent to recipient city", now.AddMinutes(2));

        var tracked = await _factory.WithCarrierAsync(c => c.TrackAsync(tracking, CancellationToken.None));

        Assert.NotNull(tracked);
        Assert.Equal(tracking, tracked.TrackingNumber);
        Assert.Equal(ShipmentStatus.Delivered, tracked.Status);
        Assert.Equal(
            [ShipmentStatus.LabelCreated, ShipmentStatus.LabelCreated, ShipmentStatus.HandedOver, ShipmentStatus.InTransit, ShipmentStatus.OutForDelivery,
             ShipmentStatus.FailedAttempt, ShipmentStatus.OutForDelivery, ShipmentStatus.Delivered],
            tracked.Events.Select(e => e.Status));
        Assert.Null(await _factory.WithCarrierAsync(c => c.TrackAsync("9999999999", CancellationToken.None)));
    }

    [Fact]
    public async Task Pickup_points_are_listed_with_lockers_told_apart()
    {
        var points = await _factory.WithCarrierAsync(c => c.PickupPointsAsync(CdekFactory.Moscow, CancellationToken.None));

        Assert.Equal([("MSK123", PickupPointKind.Office), ("MSK456", PickupPointKind.Locker)], points.Select(p => (p.Id, p.Kind)));
        Assert.Equal("Moscow", points[0].Address.City);
    }

    [Fact]
    public async Task Quotes_to_a_zone_that_lists_CDEK_hold_its_options_beside_the_rules_and_other_zones_do_not_ask_it()
    {
        var russia = await _factory.QuoteAsync(CdekFactory.Moscow);
        Assert.Contains(russia.Sellers[0].Options, o => o.CarrierId == "cdek");
        Assert.Contains(russia.Sellers[0].Options, o => o.CarrierId == "rules");

        var calls = _factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist");
        var germany = await _factory.QuoteAsync(new DeliveryAddress("DE", "10115", "Berlin", ["Unter den Linden 1"]));

        Assert.All(germany.Sellers[0].Options, o => Assert.Equal("rules", o.CarrierId));
        Assert.Equal(calls, _factory.Cdek.CountOf("POST", "/v2/calculator/tarifflist"));
    }

    private async Task<string> BookAsync()
    {
        var booking = await _factory.WithCarrierAsync(c => c.CreateShipmentAsync(CdekFactory.Shipment($"order-{Guid.NewGuid():N}"), CancellationToken.None));
        return Assert.IsType<ShipmentBooking.Booked>(booking).Shipment.TrackingNumber;
    }
}
