using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Security.Tests;

/// <summary>
/// Orders of a seller in the state each seller order route needs (accept and reject a placed one, ship an accepted
/// one, ship parcels of another accepted one, deliver and refund a shipped own delivery), bought by a guest through checkout and moved by the seller, all through HTTP.
/// </summary>
public static class SellerOrderArrangements
{
    private static readonly object Berlin = new { name = "Ada", country = "DE", postalCode = "10115", city = "Berlin", lines = new[] { "Invalidenstr. 1" } };

    /// <summary>Operation id to the order its case works on.</summary>
    public static async Task<IReadOnlyDictionary<string, Guid>> ArrangeAsync(SecurityHost host, Guid sellerId, HttpClient owner)
    {
        var product = await SecurityHost.Expect(
            await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/products", host.ProductBody("Orders phone", $"sku-{Guid.NewGuid():N}"[..16])),
            HttpStatusCode.Created);
        var skuId = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
        var offer = await SecurityHost.Expect(
            await owner.PutAsJsonAsync($"/api/v1/sellers/{sellerId}/offers/{skuId}", new { price = 50.00m, currency = "EUR", stock = 10 }),
            HttpStatusCode.OK,
            HttpStatusCode.Created);
        var offerId = offer.GetProperty("offerId").GetGuid();
        var path = $"/api/v1/sellers/{sellerId}/orders";

        var toAccept = await BuyAsync(host, offerId, "courier_to_door");
        var toReject = await BuyAsync(host, offerId, "courier_to_door");
        var toShip = await BuyAsync(host, offerId, "courier_to_door");
        await MoveAsync(owner, $"{path}/{toShip}/accept", null);
        var toShipParcels = await BuyAsync(host, offerId, "courier_to_door");
        await MoveAsync(owner, $"{path}/{toShipParcels}/accept", null);
        var toDeliver = await BuyAsync(host, offerId, "seller_own_delivery");
        await MoveAsync(owner, $"{path}/{toDeliver}/accept", null);
        await MoveAsync(owner, $"{path}/{toDeliver}/ship", new { });

        // Refunds need the money captured: the accepted order's share shows in the seller's statement once it is.
        await Eventually.ReadAsync(
            () => owner.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{sellerId}/statement"),
            statement => statement.GetProperty("items").EnumerateArray().Any(row => row.GetProperty("orderId").GetGuid() == toDeliver));
        return new Dictionary<string, Guid>
        {
            ["GetSellerOrder"] = toReject,
            ["AcceptSellerOrder"] = toAccept,
            ["RejectSellerOrder"] = toReject,
            ["ShipSellerOrder"] = toShip,
            ["DeliverSellerOrder"] = toDeliver,
            ["ShipSellerOrderParcels"] = toShipParcels,
            ["RefundSellerOrder"] = toDeliver,
            ["ListSellerOrderRefunds"] = toDeliver,
        };
    }

    private static async Task<Guid> BuyAsync(SecurityHost host, Guid offerId, string kind)
    {
        var cart = host.CreateClient();
        var guest = await SecurityHost.Expect(await cart.PostAsync("/api/v1/cart/guest", null), HttpStatusCode.Created);
        cart.DefaultRequestHeaders.Add("X-Cart-Token", guest.GetProperty("token").GetString());
        await SecurityHost.Expect(await cart.PostAsJsonAsync("/api/v1/cart/lines", new { offerId, quantity = 1 }), HttpStatusCode.OK, HttpStatusCode.Created);
        var quote = await SecurityHost.Expect(await cart.PostAsJsonAsync("/api/v1/checkout/quote", new { shippingAddress = Berlin }), HttpStatusCode.OK);
        var seller = quote.GetProperty("sellers")[0];
        var option = seller.GetProperty("options").EnumerateArray().First(o => o.GetProperty("kind").GetString() == kind);
        var total = quote.GetProperty("itemsTotal").GetDecimal() + option.GetProperty("price").GetDecimal();
        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkout")
        {
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
            Content = JsonContent.Create(new
            {
                email = "buyer@tests.local",
                shippingAddress = Berlin,
                delivery = new[] { new { sellerId = seller.GetProperty("sellerId").GetGuid(), quoteId = quote.GetProperty("quoteId").GetGuid(), optionId = option.GetProperty("optionId").GetString() } },
                paymentMethodId = "pm_card_visa",
                expectedTotal = total,
            }),
        };
        var placed = await SecurityHost.Expect(await cart.SendAsync(checkout), HttpStatusCode.Created);
        return placed.GetProperty("orders")[0].GetProperty("id").GetGuid();
    }

    private static async Task MoveAsync(HttpClient owner, string path, object? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Headers = { { "If-Match", "*" } }, Content = body is null ? null : JsonContent.Create(body) };
        await SecurityHost.Expect(await owner.SendAsync(request), HttpStatusCode.OK);
    }
}
