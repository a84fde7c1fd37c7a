using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Ordering.Orders;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;
using static Marketplace.Ordering.Tests.Sellers.Shipments.ShipmentsHost;

namespace Marketplace.Ordering.Tests.Sellers.Shipments;

/// <summary>Parcels a seller sent itself with its own tracking numbers, one by one or in bulk, and only for its own orders.</summary>
public sealed class OwnTrackingShipmentTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task A_seller_ships_an_order_in_two_parcels_with_its_own_tracking_numbers_and_the_customer_sees_both()
    {
        var (seller, client) = await SellerAsync("Own tracking");
        var group = await host.ArrangeGroupAsync(null, [seller]);
        var orderId = group.OrderIds[0];
        var path = $"/api/v1/sellers/{seller}/orders/{orderId}";
        await Expect(await PostAsync(client, path + "/accept", "\"2\""), HttpStatusCode.OK);

        var body = new { parcels = new[] { new { carrier = "DHL", trackingNumber = "JJD0001" }, new { carrier = "DHL", trackingNumber = "JJD0002" } } };
        var shipped = await Expect(await ShipAsync(client, seller, orderId, Guid.NewGuid().ToString(), body), HttpStatusCode.Created);
        Assert.Equal("shipped", shipped.GetProperty("orderStatus").GetString());
        var parcels = shipped.GetProperty("parcels").EnumerateArray().ToList();
        Assert.Equal(["JJD0001", "JJD0002"], parcels.Select(p => p.GetProperty("trackingNumber").GetString()));
        Assert.All(parcels, p =>
        {
            Assert.Equal("dhl", p.GetProperty("carrier").GetString());
            Assert.Equal("handed_over", p.GetProperty("status").GetString());
            Assert.False(p.GetProperty("booked").GetBoolean());
        });

        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        var order = await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("shipped", order.GetProperty("status").GetString());
        Assert.Equal("JJD0001", order.GetProperty("trackingNumber").GetString());
        Assert.Equal(2, order.GetProperty("parcels").GetArrayLength());
        Assert.Equal(["handed_over"], Statuses(order.GetProperty("parcels")[1]));
        Assert.Equal(order.GetProperty("delivery").GetProperty("etaEarliest").GetString(), order.GetProperty("parcels")[0].GetProperty("etaEarliest").GetString());

        // A third parcel follows while the order is shipped; the order does not move again.
        var more = new { parcels = new[] { new { carrier = "DHL", trackingNumber = "JJD0003" } } };
        await Expect(await ShipAsync(client, seller, orderId, Guid.NewGuid().ToString(), more), HttpStatusCode.Created);
        var after = await Expect(await client.GetAsync(path), HttpStatusCode.OK);
        Assert.Equal(3, after.GetProperty("parcels").GetArrayLength());
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task Shipping_needs_an_idempotency_key_an_accepted_order_and_no_size_to_book_for_a_sellers_own_delivery()
    {
        var (seller, client) = await SellerAsync("Ship rules");
        var placed = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller], kind: DeliveryKind.SellerOwnDelivery)).OrderIds[0];
        var body = new { parcels = new[] { new { carrier = "van", trackingNumber = "V-1" } } };

        var noKey = await client.PostAsJsonAsync($"/api/v1/sellers/{seller}/orders/{placed}/shipments", body);
        await noKey.AssertValidationProblemAsync("Idempotency-Key");
        var notAccepted = await ShipAsync(client, seller, placed, Guid.NewGuid().ToString(), body);
        Assert.Equal("IllegalTransition", (await notAccepted.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("rule").GetString());

        await Expect(await PostAsync(client, $"/api/v1/sellers/{seller}/orders/{placed}/accept", "*"), HttpStatusCode.OK);
        var sized = new { parcels = new[] { new { weightGrams = 800, lengthMm = 200, widthMm = 150, heightMm = 100 } } };
        await (await ShipAsync(client, seller, placed, Guid.NewGuid().ToString(), sized)).AssertValidationProblemAsync("parcels");
        await (await ShipAsync(client, seller, placed, Guid.NewGuid().ToString(), new { parcels = Array.Empty<object>() })).AssertValidationProblemAsync("parcels");
        Assert.Equal(["OrderPlaced", "OrderAccepted"], await host.EventsAsync(placed));

        await Expect(await ShipAsync(client, seller, placed, Guid.NewGuid().ToString(), body), HttpStatusCode.Created);
        Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipped"], await host.EventsAsync(placed));
    }

    [Fact]
    public async Task A_seller_cannot_ship_another_sellers_order()
    {
        var (owner, ownerClient) = await SellerAsync("Owner");
        var (rival, rivalClient) = await SellerAsync("Rival");
        var orderId = (await host.ArrangeGroupAsync(Guid.NewGuid(), [owner])).OrderIds[0];
        await Expect(await PostAsync(ownerClient, $"/api/v1/sellers/{owner}/orders/{orderId}/accept", "*"), HttpStatusCode.OK);
        var body = new { parcels = new[] { new { carrier = "DHL", trackingNumber = "STOLEN1" } } };

        await (await ShipAsync(rivalClient, rival, orderId, Guid.NewGuid().ToString(), body)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await ShipAsync(rivalClient, owner, orderId, Guid.NewGuid().ToString(), body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var bulk = await rivalClient.PostAsync($"/api/v1/sellers/{rival}/orders/shipments:bulk",
            new StringContent(JsonSerializer.Serialize(new { orderId, carrier = "DHL", trackingNumber = "STOLEN2" }), Encoding.UTF8, "application/x-ndjson"));
        var row = Assert.Single((await Expect(bulk, HttpStatusCode.OK)).GetProperty("rows").EnumerateArray());
        Assert.Equal("rejected", row.GetProperty("outcome").GetString());
        Assert.Equal("orderId", row.GetProperty("field").GetString());

        var order = await Expect(await ownerClient.GetAsync($"/api/v1/sellers/{owner}/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("accepted", order.GetProperty("status").GetString());
        Assert.Empty(order.GetProperty("parcels").EnumerateArray());
        Assert.Equal(["OrderPlaced", "OrderAccepted"], await host.EventsAsync(orderId));
    }

    [Fact]
    public async Task Bulk_shipping_applies_the_good_rows_reports_the_bad_ones_and_a_repeated_file_ships_nothing_twice()
    {
        var (seller, client) = await SellerAsync("Bulk ship");
        var first = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0];
        var second = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0];
        var placed = (await host.ArrangeGroupAsync(Guid.NewGuid(), [seller])).OrderIds[0];
        foreach (var id in new[] { first, second })
        {
            await Expect(await PostAsync(client, $"/api/v1/sellers/{seller}/orders/{id}/accept", "*"), HttpStatusCode.OK);
        }

        var csv = string.Join('\n',
            "orderId,carrier,trackingNumber,weightGrams",
            $"{first},DHL,JJD1001,",
            "not-an-id,DHL,JJD1002,",
            $"{second},DHL,JJD1003,",
            $"{placed},DHL,JJD1004,",
            $"{second},DHL,,heavy",
            $"{second},DHL,JJD1005,900") + "\n";
        var path = $"/api/v1/sellers/{seller}/orders/shipments:bulk";
        var rows = (await Expect(await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv")), HttpStatusCode.OK)).GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal(["shipped", "rejected", "shipped", "rejected", "rejected", "rejected"], rows.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal(["", "orderId", "", "rule", "weightGrams", "weightGrams"], rows.Select(r => r.GetProperty("field").GetString() ?? ""));
        Assert.Equal("JJD1001", rows[0].GetProperty("parcel").GetProperty("trackingNumber").GetString());
        Assert.Equal("shipped", rows[2].GetProperty("orderStatus").GetString());

        var again = (await Expect(await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv")), HttpStatusCode.OK)).GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["unchanged", "rejected", "unchanged", "rejected", "rejected", "rejected"], again.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal(rows[0].GetProperty("parcel").GetProperty("id").GetGuid(), again[0].GetProperty("parcel").GetProperty("id").GetGuid());

        foreach (var id in new[] { first, second })
        {
            var order = await Expect(await client.GetAsync($"/api/v1/sellers/{seller}/orders/{id}"), HttpStatusCode.OK);
            Assert.Equal("shipped", order.GetProperty("status").GetString());
            Assert.Single(order.GetProperty("parcels").EnumerateArray());
        }

        Assert.Equal(["OrderPlaced"], await host.EventsAsync(placed));
    }

    private async Task<(Guid SellerId, HttpClient Client)> SellerAsync(string name)
    {
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"{name} {Guid.NewGuid():N}"[..20]);
        var key = await IdentityFlows.CreateApiKeyAsync(host.CreateClient(session.MemberAccessToken), session.SellerId);
        return (session.SellerId, IdentityFlows.ClientWithApiKey(host, key));
    }
}
