using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>Offers arranged through Catalog's seller API, and cart calls through the API.</summary>
internal static class CartArrange
{
    public const string Header = "X-Cart-Token";

    /// <summary>A new seller's <paramref name="count"/> offers (see <see cref="CatalogFlows.OffersAsync"/>).</summary>
    public static Task<List<SellerOffer>> OffersAsync(MarketplaceFactory factory, int count, decimal price = 10m, int stock = 100) =>
        CatalogFlows.OffersAsync(factory, count, price, stock);

    /// <summary>Changes an offer as its seller would (price and/or stock), or withdraws it.</summary>
    public static Task ChangeOfferAsync(SellerOffer offer, decimal? price = null, int? stock = null, bool withdraw = false) =>
        CatalogFlows.ChangeOfferAsync(offer, price, stock, withdraw);

    public static async Task<string> NewGuestCartAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/v1/cart/guest", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>A client that names the guest cart by its token.</summary>
    public static HttpClient Guest(MarketplaceFactory factory, string token) => Guest(factory.CreateClient(), token);

    /// <summary>The client, carrying the guest cart's token.</summary>
    public static HttpClient Guest(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Add(Header, token);
        return client;
    }

    public static async Task<HttpClient> NewGuestAsync(MarketplaceFactory factory) => Guest(factory, await NewGuestCartAsync(factory.CreateClient()));

    /// <summary>The merge a client calls after sign-in: the customer's bearer token and the guest cart's token.</summary>
    public static Task<HttpResponseMessage> MergeAsync(MarketplaceFactory factory, string accessToken, string guestToken)
    {
        var client = factory.CreateClient(accessToken);
        client.DefaultRequestHeaders.Add(Header, guestToken);
        return client.PostAsync("/api/v1/cart/merge", null);
    }

    public static Task<HttpResponseMessage> AddAsync(HttpClient client, Guid offerId, int quantity) =>
        client.PostAsJsonAsync("/api/v1/cart/lines", new { offerId, quantity });

    public static async Task<JsonElement> AddOkAsync(HttpClient client, Guid offerId, int quantity)
    {
        var response = await AddAsync(client, offerId, quantity);
        return await OkAsync(response);
    }

    public static async Task<JsonElement> ReadAsync(HttpClient client) => await OkAsync(await client.GetAsync("/api/v1/cart"));

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every line of the cart, whatever its seller group.</summary>
    public static List<JsonElement> Lines(JsonElement cart) =>
        cart.GetProperty("sellers").EnumerateArray().SelectMany(s => s.GetProperty("lines").EnumerateArray()).ToList();

    public static JsonElement Line(JsonElement cart, Guid offerId) =>
        Lines(cart).Single(l => l.GetProperty("offerId").GetGuid() == offerId);

    public static int Quantity(JsonElement cart, Guid offerId) => Line(cart, offerId).GetProperty("quantity").GetInt32();

    public static List<string> Issues(JsonElement line) => line.GetProperty("issues").EnumerateArray().Select(i => i.GetString()!).ToList();

    public static decimal Amount(JsonElement money) => money.GetProperty("amount").GetDecimal();
}

internal static class CartTokens
{
    /// <summary>Well-formed (24 bytes, base64url) but issued to nobody.</summary>
    public static readonly string Unknown = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
}
