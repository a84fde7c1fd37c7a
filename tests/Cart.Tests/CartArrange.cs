using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests;

/// <summary>An offer arranged in the Catalog's tables.</summary>
internal sealed record TestOffer(Guid OfferId, Guid SellerId, Guid SkuId, Guid ProductId, Guid CategoryId, Guid ParentCategoryId, decimal Price);

/// <summary>Offers straight in the Catalog's database, and cart calls through the API.</summary>
internal static class CartArrange
{
    public const string Header = "X-Cart-Token";

    /// <summary>
    /// Inserts <paramref name="count"/> offers of one seller (a new one unless given), each on its own SKU of one
    /// product in a child category of a fresh parent category.
    /// </summary>
    public static async Task<List<TestOffer>> OffersAsync(MarketplaceFactory factory, int count, decimal price = 10m, int stock = 100, Guid? sellerId = null)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var slug = $"cart-{Guid.NewGuid():N}"[..20];
        var parent = new Category { Id = Guid.NewGuid(), Name = "Cart parent", Slug = slug, Path = $"/{slug}/", Depth = 0 };
        var child = new Category { Id = Guid.NewGuid(), ParentId = parent.Id, Name = "Cart child", Slug = slug + "-c", Path = $"/{slug}/{slug}-c/", Depth = 1 };
        var seller = sellerId ?? Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var product = new Product
        {
            Id = Guid.NewGuid(), OwnerSellerId = seller, CategoryId = child.Id, CategoryPath = child.Path, Title = $"Cart product {slug}",
            CreatedAt = now, UpdatedAt = now, Version = 1,
            Skus = Enumerable.Range(0, count).Select(i => new Sku { Id = Guid.NewGuid(), Code = $"{slug}-{i}", WeightGrams = 1, LengthMm = 1, WidthMm = 1, HeightMm = 1 }).ToList(),
        };
        var offers = product.Skus.Select(sku => new Offer
        {
            Id = Guid.NewGuid(), SkuId = sku.Id, ProductId = product.Id, SellerId = seller, Price = price, Currency = "EUR", Stock = stock, UpdatedAt = now, Version = 1,
        }).ToList();
        db.Categories.AddRange(parent, child);
        db.Products.Add(product);
        db.Offers.AddRange(offers);
        await db.SaveChangesAsync();
        return offers.Select(o => new TestOffer(o.Id, seller, o.SkuId, product.Id, child.Id, parent.Id, price)).ToList();
    }

    /// <summary>Changes an offer as its seller would (price and/or stock), or withdraws it.</summary>
    public static async Task ChangeOfferAsync(MarketplaceFactory factory, Guid offerId, decimal? price = null, int? stock = null, bool withdraw = false)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var offer = await db.Offers.SingleAsync(o => o.Id == offerId);
        if (withdraw)
        {
            db.Offers.Remove(offer);
        }
        else
        {
            offer.Price = price ?? offer.Price;
            offer.Stock = stock ?? offer.Stock;
            offer.Version++;
        }

        await db.SaveChangesAsync();
    }

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
