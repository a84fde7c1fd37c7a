using System.Net;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;
using static Marketplace.Ordering.Tests.Sellers.Shipments.ShipmentsHost;

namespace Marketplace.Ordering.Tests.Sellers.Shipments;

/// <summary>Shipping on the embedded profile (SQLite, in-memory bus), which a host with no configuration runs.</summary>
public sealed class EmbeddedShipmentTests(EmbeddedOrderingHost host) : IClassFixture<EmbeddedOrderingHost>
{
    [Fact]
    public async Task A_seller_ships_its_own_tracking_number_once_per_key_and_the_guest_reads_the_parcel_on_SQLite()
    {
        var session = await IdentityFlows.CreateSellerAsync(host.CreateClient(), $"Embedded {Guid.NewGuid():N}"[..20]);
        var seller = session.SellerId;
        var client = host.CreateClient(session.MemberAccessToken);
        var group = await host.ArrangeGroupAsync(null, [seller]);
        var orderId = group.OrderIds[0];
        await Expect(await PostAsync(client, $"/api/v1/sellers/{seller}/orders/{orderId}/accept", "*"), HttpStatusCode.OK);
        var key = Guid.NewGuid().ToString();
        var body = new { parcels = new[] { new { carrier = "DHL", trackingNumber = "JJD7001" } } };

        var first = await Expect(await ShipAsync(client, seller, orderId, key, body), HttpStatusCode.Created);
        var again = await Expect(await ShipAsync(client, seller, orderId, key, body), HttpStatusCode.Created);
        Assert.Equal(first.GetProperty("parcels")[0].GetProperty("id").GetGuid(), again.GetProperty("parcels")[0].GetProperty("id").GetGuid());
        await (await ShipAsync(client, seller, orderId, key, new { parcels = new[] { new { carrier = "DHL", trackingNumber = "JJD7002" } } }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        var order = await Expect(await guest.GetAsync($"/api/v1/orders/{orderId}"), HttpStatusCode.OK);
        Assert.Equal("shipped", order.GetProperty("status").GetString());
        var parcel = Assert.Single(order.GetProperty("parcels").EnumerateArray());
        Assert.Equal("JJD7001", parcel.GetProperty("trackingNumber").GetString());
        Assert.Equal(["handed_over"], Statuses(parcel));
    }
}
