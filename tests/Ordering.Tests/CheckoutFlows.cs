using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests;

/// <summary>A purchase through HTTP only, step by step, as a storefront does it.</summary>
public static class CheckoutFlows
{
    public static readonly object Berlin = new { name = "Ada Lovelace", country = "DE", postalCode = "10115", city = "Berlin", lines = new[] { "Invalidenstr. 1" } };

    public static readonly object Munich = new { name = "Ada Lovelace", country = "DE", postalCode = "80331", city = "München", lines = new[] { "Marienplatz 1" } };

    /// <summary>A guest cart holding <paramref name="lines"/>; the client sends its token.</summary>
    public static async Task<HttpClient> GuestCartAsync(MarketplaceFactory host, params (SellerOffer Offer, int Quantity)[] lines)
    {
        var client = host.CreateClient();
        var created = await Expect(await client.PostAsync("/api/v1/cart/guest", null), HttpStatusCode.Created);
        client.DefaultRequestHeaders.Add("X-Cart-Token", created.GetProperty("token").GetString());
        await AddAsync(client, lines);
        return client;
    }

    /// <summary>The signed-in customer's cart holding <paramref name="lines"/>.</summary>
    public static async Task<HttpClient> CustomerCartAsync(MarketplaceFactory host, CustomerSession customer, params (SellerOffer Offer, int Quantity)[] lines)
    {
        var client = host.CreateClient(customer.AccessToken);
        await AddAsync(client, lines);
        return client;
    }

    public static async Task<JsonElement> QuoteAsync(HttpClient cart, object? address = null) =>
        await Expect(await cart.PostAsJsonAsync("/api/v1/checkout/quote", new { shippingAddress = address ?? Berlin }), HttpStatusCode.OK);

    /// <summary>The checkout body for the cheapest option of every seller of <paramref name="quote"/>, holding the customer to the quote's total.</summary>
    public static object Body(JsonElement quote, string paymentMethodId = "pm_card_visa", string? email = "guest@tests.local", object? address = null, decimal? expectedTotal = null) => new
    {
        email,
        shippingAddress = address ?? Berlin,
        delivery = quote.GetProperty("sellers").EnumerateArray().Select(s => new
        {
            sellerId = s.GetProperty("sellerId").GetGuid(),
            quoteId = quote.GetProperty("quoteId").GetGuid(),
            optionId = s.GetProperty("cheapestOptionId").GetString(),
        }).ToArray(),
        paymentMethodId,
        expectedTotal = expectedTotal ?? quote.GetProperty("total").GetDecimal(),
    };

    public static Task<HttpResponseMessage> CheckoutAsync(HttpClient cart, object body, string? key = null) =>
        cart.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkout")
        {
            Headers = { { "Idempotency-Key", key ?? Guid.NewGuid().ToString() } },
            Content = JsonContent.Create(body),
        });

    /// <summary>
    /// The units of the offer available now, as its seller reads them (the offer itself; the product page follows it
    /// through the listing refresh, a moment later).
    /// </summary>
    public static async Task<int> StockAsync(SellerOffer offer)
    {
        var offers = await offer.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{offer.SellerId}/offers?limit=100");
        return offers.GetProperty("items").EnumerateArray().Single(o => o.GetProperty("offerId").GetGuid() == offer.OfferId).GetProperty("stock").GetInt32();
    }

    /// <summary>
    /// Reads an order list (200) until its first page holds <paramref name="rows"/> rows, or the deadline passes: the lists
    /// are fed by the order events, so they show a checkout or a move a moment after it answered.
    /// </summary>
    public static Task<JsonElement> ListedAsync(HttpClient client, string path, int rows) =>
        Eventually.ReadAsync(async () => await Expect(await client.GetAsync(path), HttpStatusCode.OK), page => page.GetProperty("items").GetArrayLength() == rows);

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task AddAsync(HttpClient client, (SellerOffer Offer, int Quantity)[] lines)
    {
        foreach (var (offer, quantity) in lines)
        {
            var added = await client.PostAsJsonAsync("/api/v1/cart/lines", new { offerId = offer.OfferId, quantity });
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }
    }
}
