using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Catalog.Tests.Bulk;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests;

public sealed class SellerCatalogEmbeddedSmokeTests(EmbeddedMarketplaceFactory factory) : IClassFixture<EmbeddedMarketplaceFactory>
{
    [Fact]
    public async Task On_the_embedded_profile_a_seller_creates_a_product_prices_it_in_bulk_and_the_summary_follows()
    {
        factory.ForSellerTests();
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var seller = await SellerCatalogArrange.SellerAsync(factory);
        var code = $"EMB-{Guid.NewGuid():N}"[..16];
        var (productId, skus) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, code, code + "-2");

        var put = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skus[code]}", new { price = 20m, currency = "EUR", stock = 1 });
        var jsonl = $$"""{"sku":"{{code}}","price":15.5,"currency":"EUR","stock":2}""" + "\n" + $$"""{"sku":"{{code}}-2","price":-3,"currency":"EUR","stock":2}""";
        var bulk = await SellerBulkUpsertTests.BulkAsync(seller, "offers:bulk", jsonl, "application/x-ndjson");
        var again = await SellerBulkUpsertTests.BulkAsync(seller, "offers:bulk", $"sku,price,currency,stock\n{code},15.5,EUR,2\n", "text/csv");
        var list = await seller.Client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/offers");
        var second = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skus[code + "-2"]}", new { price = 30m, currency = "EUR", stock = 1 });
        var firstPage = await seller.Client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/offers?limit=1");
        var nextCursor = firstPage.GetProperty("nextCursor").GetString()!;
        var afterCursor = await seller.Client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/sellers/{seller.SellerId}/offers?limit=1&cursor={Uri.EscapeDataString(nextCursor)}");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        SellerBulkUpsertTests.AssertRow(bulk, 1, "updated");
        SellerBulkUpsertTests.AssertRow(bulk, 2, "rejected", "price");
        SellerBulkUpsertTests.AssertRow(again, 2, "unchanged");
        Assert.Equal(15.5m, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("price").GetDecimal());
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual(
            Assert.Single(firstPage.GetProperty("items").EnumerateArray()).GetProperty("offerId").GetGuid(),
            Assert.Single(afterCursor.GetProperty("items").EnumerateArray()).GetProperty("offerId").GetGuid());
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var product = await SellerCatalogArrange.WithDbAsync(factory, db => db.Products.AsNoTracking().SingleAsync(p => p.Id == productId));
            if (product is { MinPrice: 15.5m, InStock: true })
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The listing summary did not follow the offer change.");
    }

    [Fact]
    public async Task On_the_embedded_profile_a_put_answers_the_offer_exactly_as_it_is_stored_and_an_unknown_sku_is_404()
    {
        factory.ForSellerTests();
        await Offers.OfferPutAnswers.AssertTheAnswerIsTheStoredOfferAsync(factory);
    }
}

public sealed class SellerCatalogOpenApiTests(EmbeddedMarketplaceFactory factory) : IClassFixture<EmbeddedMarketplaceFactory>
{
    [Fact]
    public async Task The_openapi_document_describes_the_seller_write_routes()
    {
        var document = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/swagger/v1/swagger.json")).RootElement;

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/sellers/{sellerId}/offers:bulk", out var bulk), string.Join(", ", paths.EnumerateObject().Select(p => p.Name)));
        Assert.Equal("BulkUpsertSellerOffers", bulk.GetProperty("post").GetProperty("operationId").GetString());
        Assert.True(paths.TryGetProperty("/api/v1/sellers/{sellerId}/products/{productId}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/sellers/{sellerId}/offers/{skuId}", out _));
    }
}
