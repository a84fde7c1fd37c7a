using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Offers;

public sealed class SellerOfferWriteTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    private readonly MarketplaceFactory _factory = factory.ForSellerTests();

    [Fact]
    public async Task Putting_an_offer_creates_it_then_updates_it_and_the_seller_lists_only_its_own_offers_page_by_page()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var other = await SellerCatalogArrange.SellerAsync(_factory);
        var (_, skus) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, $"OF1-{Guid.NewGuid():N}"[..16], $"OF2-{Guid.NewGuid():N}"[..16]);
        var skuIds = skus.Values.ToList();

        var created = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skuIds[0]}", new { price = 199.99m, currency = "EUR", stock = 5 });
        var updated = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skuIds[0]}", new { price = 189.50m, currency = "eur", stock = 4, dispatchDays = 1 });
        await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skuIds[1]}", new { price = 10m, currency = "EUR", stock = 0 });
        await other.Client.PutAsJsonAsync($"/api/v1/sellers/{other.SellerId}/offers/{skuIds[1]}", new { price = 9m, currency = "EUR", stock = 1 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var offer = await updated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(189.50m, offer.GetProperty("price").GetDecimal());
        Assert.Equal("EUR", offer.GetProperty("currency").GetString());
        Assert.Equal(1, offer.GetProperty("dispatchDays").GetInt32());
        Assert.Equal(2, offer.GetProperty("version").GetInt32());

        var first = await seller.Client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/offers?limit=1");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await seller.Client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/offers?limit=1&cursor={cursor}");
        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(o => o.GetProperty("skuId").GetGuid()).ToList();
        Assert.Equal(skuIds.Order(), listed.Order());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(3, await SellerCatalogArrange.OfferChangedEventsAsync(_factory, seller.SellerId));
    }

    [Fact]
    public async Task A_put_answers_the_offer_exactly_as_it_is_stored_and_an_unknown_sku_is_404() =>
        await OfferPutAnswers.AssertTheAnswerIsTheStoredOfferAsync(_factory);

    [Theory]
    [InlineData("{\"price\":-1,\"currency\":\"EUR\",\"stock\":1}", "price")]
    [InlineData("{\"price\":0,\"currency\":\"EUR\",\"stock\":1}", "price")]
    [InlineData("{\"price\":1.999,\"currency\":\"EUR\",\"stock\":1}", "price")]
    [InlineData("{\"price\":1,\"currency\":\"EUR\",\"stock\":-1}", "stock")]
    [InlineData("{\"price\":1,\"currency\":\"USD\",\"stock\":1}", "currency")]
    [InlineData("{\"price\":1,\"currency\":\"EUR\",\"stock\":\"many\"}", "stock")]
    [InlineData("{\"price\":\"cheap\",\"currency\":\"EUR\",\"stock\":1}", "price")]
    [InlineData("{\"price\":1,\"currency\":\"EUR\",\"stock\":1,\"dispatchDays\":-2}", "dispatchDays")]
    [InlineData("{\"price\":1,\"currency\":\"EUR\",", "$")]
    public async Task An_invalid_offer_is_400_naming_the_field_and_nothing_is_written(string json, string field)
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var (_, skus) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, $"INV-{Guid.NewGuid():N}"[..16]);

        var response = await seller.Client.PutAsync(
            $"/api/v1/sellers/{seller.SellerId}/offers/{skus.Values.Single()}", new StringContent(json, MediaTypeHeaderValue.Parse("application/json")));

        var problem = await response.AssertValidationProblemAsync(field);
        if (field == "currency")
        {
            Assert.Contains("EUR", problem.GetProperty("errors").ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Offers.CountAsync(o => o.SellerId == seller.SellerId)));
        Assert.Equal(0, await SellerCatalogArrange.OfferChangedEventsAsync(_factory, seller.SellerId));
    }

    [Fact]
    public async Task A_seller_cannot_put_list_or_delete_offers_in_another_sellers_name()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var owner = await SellerCatalogArrange.SellerAsync(_factory);
        var intruder = await SellerCatalogArrange.SellerAsync(_factory);
        var (_, skus) = await SellerCatalogArrange.CreateProductAsync(owner, categoryId, $"FOR-{Guid.NewGuid():N}"[..16]);
        var skuId = skus.Values.Single();
        await owner.Client.PutAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/offers/{skuId}", new { price = 50m, currency = "EUR", stock = 3 });

        var put = await intruder.Client.PutAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/offers/{skuId}", new { price = 1m, currency = "EUR", stock = 0 });
        var list = await intruder.Client.GetAsync($"/api/v1/sellers/{owner.SellerId}/offers");
        var delete = await intruder.Client.DeleteAsync($"/api/v1/sellers/{owner.SellerId}/offers/{skuId}");
        var deleteViaOwnRoute = await intruder.Client.DeleteAsync($"/api/v1/sellers/{intruder.SellerId}/offers/{skuId}");
        var bulk = await intruder.Client.PostAsync($"/api/v1/sellers/{owner.SellerId}/offers:bulk", new StringContent("{}", MediaTypeHeaderValue.Parse("application/x-ndjson")));

        await put.AssertProblemAsync(HttpStatusCode.Forbidden);
        await list.AssertProblemAsync(HttpStatusCode.Forbidden);
        await delete.AssertProblemAsync(HttpStatusCode.Forbidden);
        await deleteViaOwnRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        await bulk.AssertProblemAsync(HttpStatusCode.Forbidden);
        var offer = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Offers.AsNoTracking().SingleAsync(o => o.SkuId == skuId));
        Assert.Equal(owner.SellerId, offer.SellerId);
        Assert.Equal(50m, offer.Price);
        Assert.Equal(3, offer.Stock);
    }

    [Fact]
    public async Task An_offer_change_reaches_the_products_listing_summary_through_the_consumer()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var (productId, skus) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, $"SUM1-{Guid.NewGuid():N}"[..16], $"SUM2-{Guid.NewGuid():N}"[..16]);
        var skuIds = skus.Values.ToList();
        var url = $"/api/v1/sellers/{seller.SellerId}/offers";

        await seller.Client.PutAsJsonAsync($"{url}/{skuIds[0]}", new { price = 30m, currency = "EUR", stock = 0 });
        await seller.Client.PutAsJsonAsync($"{url}/{skuIds[1]}", new { price = 45m, currency = "EUR", stock = 2 });
        await EventuallyAsync(productId, p => p is { MinPrice: 45m, InStock: true, OfferCount: 2 });

        await seller.Client.PutAsJsonAsync($"{url}/{skuIds[0]}", new { price = 30m, currency = "EUR", stock = 7 });
        await EventuallyAsync(productId, p => p is { MinPrice: 30m, InStock: true });

        Assert.Equal(HttpStatusCode.NoContent, (await seller.Client.DeleteAsync($"{url}/{skuIds[0]}")).StatusCode);
        await seller.Client.PutAsJsonAsync($"{url}/{skuIds[1]}", new { price = 45m, currency = "EUR", stock = 0 });
        await EventuallyAsync(productId, p => p is { MinPrice: 45m, InStock: false, OfferCount: 1 });
    }

    private async Task EventuallyAsync(Guid productId, Func<Domain.Product, bool> expected)
    {
        Domain.Product? product = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            product = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().SingleAsync(p => p.Id == productId));
            if (expected(product))
            {
                return;
            }

            await Task.Delay(150);
        }

        Assert.Fail($"The listing summary did not catch up: MinPrice {product?.MinPrice}, InStock {product?.InStock}, OfferCount {product?.OfferCount}.");
    }
}
