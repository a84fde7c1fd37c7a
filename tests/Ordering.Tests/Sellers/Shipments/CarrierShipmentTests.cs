using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;
using static Marketplace.Ordering.Tests.Sellers.Shipments.ShipmentsHost;

namespace Marketplace.Ordering.Tests.Sellers.Shipments;

/// <summary>The order from checkout to the customer's door through CDEK: booked by the seller, tracked by CDEK's webhooks.</summary>
public sealed class CarrierShipmentTests(ShipmentsHost host) : IClassFixture<ShipmentsHost>
{
    private static readonly object Parcel = new { parcels = new[] { new { weightGrams = 800, lengthMm = 200, widthMm = 150, heightMm = 100 } }, recipientPhone = "+79001234567" };

    [Fact]
    public async Task A_parcel_booked_with_CDEK_is_moved_by_its_webhooks_to_delivered_whatever_their_order_and_the_customer_sees_its_timeline()
    {
        var (orderId, offer, guest) = await host.AcceptedCdekOrderAsync();
        var key = Guid.NewGuid().ToString();

        var shipped = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel), HttpStatusCode.Created);
        Assert.Equal("shipped", shipped.GetProperty("orderStatus").GetString());
        var parcel = Assert.Single(shipped.GetProperty("parcels").EnumerateArray());
        var number = parcel.GetProperty("trackingNumber").GetString()!;
        Assert.Equal("cdek", parcel.GetProperty("carrier").GetString());
        Assert.Equal("CREATED", host.Cdek.StatusOf(number));
        Assert.StartsWith(host.Cdek.Address, parcel.GetProperty("labelUrl").GetString());
        Assert.Equal("label_created", parcel.GetProperty("status").GetString());

        var start = DateTimeOffset.UtcNow.AddMinutes(1);
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "RECEIVED_AT_SHIPMENT_WAREHOUSE", start)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "TAKEN_BY_COURIER", start.AddHours(20))).StatusCode);

        // CDEK repeats itself, and a status set earlier arrives after a later one: neither moves the parcel back.
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "TAKEN_BY_COURIER", start.AddHours(20))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "SENT_TO_RECIPIENT_CITY", start.AddHours(5))).StatusCode);
        var underway = await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK);
        var tracked = underway.GetProperty("parcels")[0];
        Assert.Equal("out_for_delivery", tracked.GetProperty("status").GetString());
        Assert.Equal(["label_created", "handed_over", "in_transit", "out_for_delivery"], Statuses(tracked));
        Assert.Equal("shipped", underway.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "DELIVERED", start.AddHours(21))).StatusCode);
        var delivered = await Eventually.ReadAsync(
            async () => await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK),
            order => order.GetProperty("status").GetString() == "delivered");
        Assert.Equal("delivered", delivered.GetProperty("status").GetString());
        var final = delivered.GetProperty("parcels")[0];
        Assert.Equal("delivered", final.GetProperty("status").GetString());
        Assert.Equal(number, final.GetProperty("trackingNumber").GetString());
        Assert.Equal(JsonValueKind.Null, final.GetProperty("labelUrl").ValueKind);
        // Delivered, its window is the day it arrived, whatever the quote said.
        var arrived = DateOnly.FromDateTime(start.AddHours(21).UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(arrived, final.GetProperty("etaEarliest").GetString());
        Assert.Equal(arrived, final.GetProperty("etaLatest").GetString());
        var times = final.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(["label_created", "handed_over", "in_transit", "out_for_delivery", "delivered"], Statuses(final));
        var moves = delivered.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["PaymentAuthorized", "Accept", "MarkShipped", "MarkDelivered"], moves.Select(m => m.GetProperty("transition").GetString()));
        Assert.Equal("system", moves[3].GetProperty("actor").GetString());

        // A late event after delivery is recorded in the timeline but changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "NOT_DELIVERED", start.AddHours(19))).StatusCode);
        var seller = await Expect(await offer.Seller.GetAsync($"/api/v1/sellers/{offer.SellerId}/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("delivered", seller.GetProperty("parcels")[0].GetProperty("status").GetString());
        Assert.Equal("delivered", seller.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(seller.GetProperty("parcels")[0].GetProperty("labelUrl").GetString()));
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped", "OrderDelivered"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task An_order_in_two_CDEK_parcels_is_delivered_only_when_both_are()
    {
        var (orderId, offer, guest) = await host.AcceptedCdekOrderAsync();
        var two = new
        {
            parcels = new[] { new { weightGrams = 800, lengthMm = 200, widthMm = 150, heightMm = 100 }, new { weightGrams = 1500, lengthMm = 300, widthMm = 200, heightMm = 100 } },
            recipientPhone = "+79001234567",
        };
        var shipped = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, Guid.NewGuid().ToString(), two), HttpStatusCode.Created);
        var numbers = shipped.GetProperty("parcels").EnumerateArray().Select(p => p.GetProperty("trackingNumber").GetString()!).ToList();
        Assert.Equal(2, numbers.Distinct().Count());

        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(numbers[0], "DELIVERED", at)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(numbers[1], "TAKEN_BY_COURIER", at)).StatusCode);
        var half = await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal(["delivered", "out_for_delivery"], half.GetProperty("parcels").EnumerateArray().Select(p => p.GetProperty("status").GetString()));

        // The first parcel's ParcelDelivered has been consumed (its inbox row exists) and left the order shipped.
        Assert.True(await Eventually.ReadAsync(() => host.DeliveriesConsumedAsync(orderId, 1), done => done));
        Assert.Equal("shipped", (await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(numbers[1], "DELIVERED", at.AddHours(1))).StatusCode);
        var delivered = await Eventually.ReadAsync(
            async () => await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK),
            order => order.GetProperty("status").GetString() == "delivered");
        Assert.Equal("delivered", delivered.GetProperty("status").GetString());
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped", "OrderDelivered"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task With_CDEK_down_shipping_is_503_with_Retry_After_and_the_same_request_later_books_once()
    {
        var (orderId, offer, _) = await host.AcceptedCdekOrderAsync();
        var key = Guid.NewGuid().ToString();
        var before = host.Cdek.OrderCount;

        host.Cdek.Down = true;
        HttpResponseMessage down;
        try
        {
            down = await ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel);
        }
        finally
        {
            host.Cdek.Down = false;
        }

        await down.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(down.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var waiting = await Expect(await offer.Seller.GetAsync($"/api/v1/sellers/{offer.SellerId}/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("accepted", waiting.GetProperty("status").GetString());
        Assert.Empty(waiting.GetProperty("parcels").EnumerateArray());

        var shipped = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel), HttpStatusCode.Created);
        Assert.Single(shipped.GetProperty("parcels").EnumerateArray());
        Assert.Equal("shipped", shipped.GetProperty("orderStatus").GetString());
        Assert.Equal(before + 1, host.Cdek.OrderCount);
    }

    [Fact]
    public async Task The_same_key_and_body_book_one_parcel_and_answer_the_same_and_another_body_under_the_key_is_422()
    {
        var (orderId, offer, _) = await host.AcceptedCdekOrderAsync();
        var key = Guid.NewGuid().ToString();
        var before = host.Cdek.OrderCount;

        var first = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel), HttpStatusCode.Created);
        var again = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel), HttpStatusCode.Created);
        Assert.Equal(first.GetProperty("parcels")[0].GetProperty("id").GetGuid(), again.GetProperty("parcels")[0].GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("parcels")[0].GetProperty("trackingNumber").GetString(), again.GetProperty("parcels")[0].GetProperty("trackingNumber").GetString());
        Assert.Equal(first.GetProperty("orderVersion").GetInt32(), again.GetProperty("orderVersion").GetInt32());
        Assert.Equal(before + 1, host.Cdek.OrderCount);

        var other = new { parcels = new[] { new { weightGrams = 1200, lengthMm = 200, widthMm = 150, heightMm = 100 } }, recipientPhone = "+79001234567" };
        await (await ShipAsync(offer.Seller, offer.SellerId, orderId, key, other)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before + 1, host.Cdek.OrderCount);

        var order = await Expect(await offer.Seller.GetAsync($"/api/v1/sellers/{offer.SellerId}/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Single(order.GetProperty("parcels").EnumerateArray());
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task Two_identical_requests_at_once_book_one_parcel_and_both_answer_it()
    {
        var (orderId, offer, _) = await host.AcceptedCdekOrderAsync();
        var key = Guid.NewGuid().ToString();
        var before = host.Cdek.OrderCount;

        var answers = await Task.WhenAll(
            ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel),
            ShipAsync(offer.Seller, offer.SellerId, orderId, key, Parcel));
        var bodies = new List<JsonElement>();
        foreach (var answer in answers)
        {
            bodies.Add(await Expect(answer, HttpStatusCode.Created));
        }

        Assert.Equal(bodies[0].GetProperty("parcels")[0].GetProperty("id").GetGuid(), bodies[1].GetProperty("parcels")[0].GetProperty("id").GetGuid());
        Assert.Equal(before + 1, host.Cdek.OrderCount);
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task A_parcel_CDEK_cannot_take_is_400_naming_the_field_and_books_nothing()
    {
        var (orderId, offer, _) = await host.AcceptedCdekOrderAsync();
        var before = host.Cdek.OrderCount;

        var noPhone = new { parcels = new[] { new { weightGrams = 800, lengthMm = 200, widthMm = 150, heightMm = 100 } } };
        await (await ShipAsync(offer.Seller, offer.SellerId, orderId, Guid.NewGuid().ToString(), noPhone)).AssertValidationProblemAsync("recipientPhone");
        var tooHeavy = new { parcels = new[] { new { weightGrams = 45_000, lengthMm = 200, widthMm = 150, heightMm = 100 } }, recipientPhone = "+79001234567" };
        await (await ShipAsync(offer.Seller, offer.SellerId, orderId, Guid.NewGuid().ToString(), tooHeavy)).AssertValidationProblemAsync("parcels[0]");
        var noSize = new { parcels = new[] { new { weightGrams = 800 } }, recipientPhone = "+79001234567" };
        await (await ShipAsync(offer.Seller, offer.SellerId, orderId, Guid.NewGuid().ToString(), noSize)).AssertValidationProblemAsync("lengthMm");

        Assert.Equal(before, host.Cdek.OrderCount);
        var order = await Expect(await offer.Seller.GetAsync($"/api/v1/sellers/{offer.SellerId}/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("accepted", order.GetProperty("status").GetString());
        Assert.Empty(order.GetProperty("parcels").EnumerateArray());
    }

    [Fact]
    public async Task A_webhook_with_a_wrong_secret_is_404_and_changes_nothing()
    {
        var (orderId, offer, guest) = await host.AcceptedCdekOrderAsync();
        var shipped = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, Guid.NewGuid().ToString(), Parcel), HttpStatusCode.Created);
        var number = shipped.GetProperty("parcels")[0].GetProperty("trackingNumber").GetString()!;

        await (await host.WebhookAsync(number, "DELIVERED", DateTimeOffset.UtcNow, secret: WebhookSecret[..^1] + "Q")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.WebhookAsync(number, "DELIVERED", DateTimeOffset.UtcNow, secret: "short")).AssertProblemAsync(HttpStatusCode.NotFound);

        // A number of no parcel of ours, and a status CDEK added that the table does not know, are acknowledged and change nothing.
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync("999999999999", "DELIVERED", DateTimeOffset.UtcNow)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.WebhookAsync(number, "SOMETHING_NEW", DateTimeOffset.UtcNow)).StatusCode);
        var bad = await host.CreateClient().PostAsync($"/api/v1/delivery/webhooks/cdek/{WebhookSecret}",
            new StringContent("""{"type":"ORDER_STATUS","attributes":{"cdek_number":1}}""", System.Text.Encoding.UTF8, "application/json"));
        await bad.AssertValidationProblemAsync("attributes");

        var order = await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("shipped", order.GetProperty("status").GetString());
        Assert.Equal(["label_created"], Statuses(order.GetProperty("parcels")[0]));
    }
}

/// <summary>Polling is the fallback of lost webhooks: a parcel with no news is asked about through the carrier's tracking.</summary>
public sealed class TrackingPollTests(PollingShipmentsHost host) : IClassFixture<PollingShipmentsHost>
{
    [Fact]
    public async Task A_parcel_whose_webhooks_never_came_is_tracked_by_polling_to_delivered()
    {
        var (orderId, offer, guest) = await host.AcceptedCdekOrderAsync();
        var body = new { parcels = new[] { new { weightGrams = 800, lengthMm = 200, widthMm = 150, heightMm = 100 } }, recipientPhone = "+79001234567" };
        var shipped = await Expect(await ShipAsync(offer.Seller, offer.SellerId, orderId, Guid.NewGuid().ToString(), body), HttpStatusCode.Created);
        var number = shipped.GetProperty("parcels")[0].GetProperty("trackingNumber").GetString()!;

        var now = DateTimeOffset.UtcNow;
        host.Cdek.AddStatus(number, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Received at the sender's warehouse", now.AddSeconds(1));
        host.Cdek.AddStatus(number, "DELIVERED", "Delivered", now.AddSeconds(2));

        var delivered = await Eventually.ReadAsync(
            async () => await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK),
            order => order.GetProperty("status").GetString() == "delivered");
        Assert.Equal("delivered", delivered.GetProperty("status").GetString());
        var parcel = delivered.GetProperty("parcels")[0];
        Assert.Equal("delivered", parcel.GetProperty("status").GetString());
        Assert.Contains("handed_over", Statuses(parcel));
        Assert.Equal("delivered", Statuses(parcel)[^1]);
    }
}
