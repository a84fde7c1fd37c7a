using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>An offer a seller put on sale through the seller API, with the client that speaks for that seller.</summary>
public sealed record SellerOffer(
    Guid OfferId, Guid SellerId, Guid SkuId, string SkuCode, Guid ProductId, Guid CategoryId, Guid ParentCategoryId, decimal Price, HttpClient Seller);

/// <summary>
/// Offers arranged through Catalog's public endpoints only (admin categories, seller product and offer writes), so tests
/// of other modules never depend on Catalog's tables.
/// </summary>
public static class CatalogFlows
{
    private static readonly ConditionalWeakTable<MarketplaceFactory, Task<string>> AdminTokens = new();

    /// <summary>Lets the host create categories (bootstrap admin) and sign up a seller per arrangement; call before the first client.</summary>
    public static MarketplaceFactory ForOfferArrange(this MarketplaceFactory factory)
    {
        factory.WithBootstrapAdmin();
        factory.Settings["Api:CredentialAttemptsPerMinute"] = "10000";
        return factory;
    }

    /// <summary>
    /// A new seller with <paramref name="count"/> offers, each on its own SKU of one product in a child category of a
    /// fresh parent category; of the brand whose id or slug <paramref name="brand"/> is, when one is named.
    /// </summary>
    public static async Task<List<SellerOffer>> OffersAsync(
        MarketplaceFactory factory, int count, decimal price = 10m, int stock = 100, int? dispatchDays = null, string? brand = null)
    {
        var slug = $"offers-{Guid.NewGuid():N}"[..20];
        var admin = factory.CreateClient(await AdminTokens.GetValue(factory, f => IdentityFlows.AdminAccessTokenAsync(f.CreateClient())));
        var parent = await CreatedAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Offers parent", slug }));
        var parentId = parent.GetProperty("id").GetGuid();
        var child = await CreatedAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Offers child", slug = slug + "-c", parentId }));
        var categoryId = child.GetProperty("id").GetGuid();

        var session = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), $"Seller {slug}");
        var key = await IdentityFlows.CreateApiKeyAsync(factory.CreateClient(session.MemberAccessToken), session.SellerId);
        var seller = IdentityFlows.ClientWithApiKey(factory, key);

        var product = await CreatedAsync(await seller.PostAsJsonAsync($"/api/v1/sellers/{session.SellerId}/products", new
        {
            title = $"Product {slug}",
            categoryId,
            brand,
            skus = Enumerable.Range(0, count).Select(i => new { code = $"{slug}-{i}", weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 }).ToArray(),
        }));
        var productId = product.GetProperty("id").GetGuid();
        var offers = new List<SellerOffer>();
        foreach (var sku in product.GetProperty("skus").EnumerateArray())
        {
            var skuId = sku.GetProperty("id").GetGuid();
            var offer = await CreatedAsync(await seller.PutAsJsonAsync(
                $"/api/v1/sellers/{session.SellerId}/offers/{skuId}", new { price, currency = "EUR", stock, dispatchDays }));
            offers.Add(new SellerOffer(
                offer.GetProperty("offerId").GetGuid(), session.SellerId, skuId, sku.GetProperty("code").GetString()!, productId, categoryId, parentId, price, seller));
        }

        return offers;
    }

    /// <summary>Changes an offer as its seller does (price and/or stock), or withdraws it.</summary>
    public static async Task ChangeOfferAsync(SellerOffer offer, decimal? price = null, int? stock = null, bool withdraw = false)
    {
        var path = $"/api/v1/sellers/{offer.SellerId}/offers/{offer.SkuId}";
        if (withdraw)
        {
            await ExpectAsync(await offer.Seller.DeleteAsync(path), HttpStatusCode.NoContent);
            return;
        }

        var current = await ExpectAsync(await offer.Seller.GetAsync($"/api/v1/sellers/{offer.SellerId}/offers"), HttpStatusCode.OK);
        // A new seller per arrangement, so its offers fit the first page.
        var row = current.GetProperty("items").EnumerateArray().Single(o => o.GetProperty("skuId").GetGuid() == offer.SkuId);
        await ExpectAsync(await offer.Seller.PutAsJsonAsync(path, new
        {
            price = price ?? row.GetProperty("price").GetDecimal(),
            currency = "EUR",
            stock = stock ?? row.GetProperty("stock").GetInt32(),
        }), HttpStatusCode.OK);
    }

    private static Task<JsonElement> CreatedAsync(HttpResponseMessage response) => ExpectAsync(response, HttpStatusCode.Created);

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
