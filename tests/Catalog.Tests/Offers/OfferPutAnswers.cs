using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Offers;

/// <summary>
/// The single-offer PUT answers with the offer as the write left it (read from the write itself, not read back), so
/// the answer must be exactly what the seller's offer list shows afterwards: created, changed, and sent again unchanged.
/// Run on both profiles, whose writers differ.
/// </summary>
internal static class OfferPutAnswers
{
    public static async Task AssertTheAnswerIsTheStoredOfferAsync(MarketplaceFactory factory)
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var seller = await SellerCatalogArrange.SellerAsync(factory);
        var code = $"ANS-{Guid.NewGuid():N}"[..16];
        var (productId, skus) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, code);
        var url = $"/api/v1/sellers/{seller.SellerId}/offers/{skus[code]}";

        var created = await seller.Client.PutAsJsonAsync(url, new { price = 12.30m, currency = "EUR", stock = 3 });
        await AssertListedAsync(seller, created, HttpStatusCode.Created, code, productId, 12.30m, 3, version: 1);
        var changed = await seller.Client.PutAsJsonAsync(url, new { price = 11.99m, currency = "EUR", stock = 0, dispatchDays = 4 });
        await AssertListedAsync(seller, changed, HttpStatusCode.OK, code, productId, 11.99m, 0, version: 2);
        var again = await seller.Client.PutAsJsonAsync(url, new { price = 11.99m, currency = "EUR", stock = 0 });
        await AssertListedAsync(seller, again, HttpStatusCode.OK, code, productId, 11.99m, 0, version: 2);

        var unknownSku = Guid.NewGuid();
        var missing = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{unknownSku}", new { price = 1m, currency = "EUR", stock = 1 });
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await SellerCatalogArrange.WithDbAsync(factory, db => db.Offers.AnyAsync(o => o.SkuId == unknownSku)));
        Assert.Equal(2, await SellerCatalogArrange.OfferChangedEventsAsync(factory, seller.SellerId));
    }

    private static async Task AssertListedAsync(
        SellerClient seller, HttpResponseMessage response, HttpStatusCode status, string code, Guid productId, decimal price, int stock, int version)
    {
        Assert.Equal(status, response.StatusCode);
        var answered = await response.Content.ReadFromJsonAsync<JsonElement>();
        var list = await seller.Client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/offers");
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        var (stored, given) = (Fields(listed), Fields(answered));
        Assert.Equal(stored.Keys, given.Keys);
        foreach (var (name, value) in stored)
        {
            Assert.True(value == given[name], $"{name}: the list shows {value}, the answer said {given[name]}");
        }

        Assert.Equal(code, answered.GetProperty("skuCode").GetString());
        Assert.Equal(productId, answered.GetProperty("productId").GetGuid());
        Assert.Equal(price, answered.GetProperty("price").GetDecimal());
        Assert.Equal(stock, answered.GetProperty("stock").GetInt32());
        Assert.Equal(version, answered.GetProperty("version").GetInt32());
    }

    /// <summary>Every property, numbers by value: SQLite hands 12.30 back as 12.3, the same amount.</summary>
    private static Dictionary<string, string> Fields(JsonElement offer) =>
        offer.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDecimal().ToString("G29", System.Globalization.CultureInfo.InvariantCulture) : p.Value.GetRawText());
}
