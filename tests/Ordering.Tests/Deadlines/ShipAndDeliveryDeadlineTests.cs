using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Orders;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>What the ship-by and deliver-by timers do when they pass, and how they count in the seller's performance.</summary>
public sealed class ShipAndDeliveryDeadlineTests(DeadlinesHost host) : IClassFixture<DeadlinesHost>
{
    private static readonly TransitionDetails Parcel = new(Carrier: "DHL", TrackingNumber: "JJD000390007");

    [Fact]
    public async Task A_missed_ship_deadline_flags_the_order_tells_the_seller_and_counts_against_its_performance_and_rating()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var seller = offer.SellerId;
        var group = await host.ArrangeGroupAsync(null, [seller, seller, seller]);
        var (onTime, late, rejected) = (group.OrderIds[0], group.OrderIds[1], group.OrderIds[2]);
        await host.MoveAsync(onTime, OrderTransition.Accept);
        await host.MoveAsync(late, OrderTransition.Accept);
        await host.SetDeadlinesAsync([onTime], DeadlineKind.ShipBy, DateTimeOffset.UtcNow.AddHours(1));
        await host.MoveAsync(onTime, OrderTransition.MarkShipped, Parcel);
        await host.MoveAsync(rejected, OrderTransition.Reject, new TransitionDetails("Out of stock"));

        await host.SetDeadlinesAsync([late], DeadlineKind.ShipBy, DateTimeOffset.UtcNow.AddSeconds(-1));

        var flagged = await Eventually.ReadAsync(
            async () => await Expect(await offer.Seller.GetAsync($"/api/v1/sellers/{seller}/orders/{late}"), HttpStatusCode.OK),
            o => o.GetProperty("deadlines").GetProperty("shipDeadlineMissed").GetBoolean());
        Assert.Equal("accepted", flagged.GetProperty("status").GetString());
        Assert.NotNull(flagged.GetProperty("deadlines").GetProperty("shipDeadlineMissedAt").GetString());

        // The customer and staff see the same flag.
        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        Assert.True((await guest.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{late}")).GetProperty("deadlines").GetProperty("shipDeadlineMissed").GetBoolean());
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var found = await Expect(await admin.GetAsync($"/api/v1/admin/orders?number={group.Number}"), HttpStatusCode.OK);
        var staffView = found.GetProperty("items")[0].GetProperty("orders").EnumerateArray().Single(o => o.GetProperty("id").GetGuid() == late);
        Assert.True(staffView.GetProperty("deadlines").GetProperty("shipDeadlineMissed").GetBoolean());

        // The seller is told once, through the outbox (and so its webhooks).
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipDeadlineMissed"], await host.EventsAsync(late));
        Assert.Equal(DeadlineOutcome.Flagged, (await host.DeadlinesOfAsync(late)).Single().Outcome);
        Assert.Equal(DeadlineOutcome.Closed, (await host.DeadlinesOfAsync(onTime)).Single().Outcome);

        // Three placed: one shipped on time, one missed, one rejected by the seller.
        foreach (var (client, path) in new[] { (offer.Seller, $"/api/v1/sellers/{seller}/performance"), (admin, $"/api/v1/admin/sellers/{seller}/performance") })
        {
            var performance = await Expect(await client.GetAsync(path), HttpStatusCode.OK);
            Assert.Equal(3, performance.GetProperty("ordersPlaced").GetInt32());
            Assert.Equal(2, performance.GetProperty("dispatchesDue").GetInt32());
            Assert.Equal(1, performance.GetProperty("dispatchedOnTime").GetInt32());
            Assert.Equal(1, performance.GetProperty("shipDeadlinesMissed").GetInt32());
            Assert.Equal(0.5m, performance.GetProperty("onTimeDispatchRate").GetDecimal());
            Assert.Equal(1, performance.GetProperty("cancelledBySeller").GetInt32());
            Assert.Equal(0.3333m, performance.GetProperty("cancellationRate").GetDecimal());
        }

        // Catalog keeps the seller's on-time rate and shows it with the seller's offers.
        var product = await Eventually.ReadAsync(
            async () => await host.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/products/{offer.ProductId}"),
            p => p.GetProperty("offers")[0].TryGetProperty("sellerOnTimeDispatchRate", out var rate) && rate.ValueKind == JsonValueKind.Number && rate.GetDouble() == 0.5);
        Assert.Equal(0.5, product.GetProperty("offers")[0].GetProperty("sellerOnTimeDispatchRate").GetDouble());

        // Another seller reads no one's performance but its own.
        var rival = (await CatalogFlows.OffersAsync(host, 1, stock: 1))[0];
        Assert.Equal(HttpStatusCode.Forbidden, (await rival.Seller.GetAsync($"/api/v1/sellers/{seller}/performance")).StatusCode);
    }

    [Fact]
    public async Task A_delivery_past_its_deliver_by_shows_late_to_the_customer_and_to_staff_and_counts_for_the_seller()
    {
        var seller = Guid.NewGuid();
        var group = await host.ArrangeGroupAsync(null, [seller, seller], kind: DeliveryKind.SellerOwnDelivery);
        var (late, delivered) = (group.OrderIds[0], group.OrderIds[1]);
        foreach (var id in group.OrderIds)
        {
            await host.MoveAsync(id, OrderTransition.Accept);
            await host.MoveAsync(id, OrderTransition.MarkShipped, Parcel);
        }

        await host.SetDeadlinesAsync([delivered], DeadlineKind.DeliverBy, DateTimeOffset.UtcNow.AddSeconds(2));
        await host.MoveAsync(delivered, OrderTransition.MarkDelivered, null);
        await host.SetDeadlinesAsync([late], DeadlineKind.DeliverBy, DateTimeOffset.UtcNow.AddSeconds(-1));

        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        var order = await Eventually.ReadAsync(
            async () => await guest.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{late}"),
            o => o.GetProperty("deadlines").GetProperty("deliveryLate").GetBoolean());
        Assert.Equal("shipped", order.GetProperty("status").GetString());
        Assert.False(order.GetProperty("deadlines").GetProperty("shipDeadlineMissed").GetBoolean());

        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var found = await Expect(await admin.GetAsync($"/api/v1/admin/orders?number={group.Number}"), HttpStatusCode.OK);
        var orders = found.GetProperty("items")[0].GetProperty("orders").EnumerateArray().ToDictionary(o => o.GetProperty("id").GetGuid());
        Assert.True(orders[late].GetProperty("deadlines").GetProperty("deliveryLate").GetBoolean());
        Assert.False(orders[delivered].GetProperty("deadlines").GetProperty("deliveryLate").GetBoolean());
        Assert.Equal(DeadlineOutcome.Closed, (await host.DeadlinesOfAsync(delivered)).Single().Outcome);

        var performance = await Expect(await admin.GetAsync($"/api/v1/admin/sellers/{seller}/performance"), HttpStatusCode.OK);
        Assert.Equal(1, performance.GetProperty("lateDeliveries").GetInt32());
        Assert.Equal(2, performance.GetProperty("dispatchedOnTime").GetInt32());
    }
}
