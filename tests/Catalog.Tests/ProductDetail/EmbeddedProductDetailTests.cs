using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.ProductDetail;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.ProductDetail;

/// <summary>
/// Product detail on the embedded profile. A class (and so a catalog) of its own, because it changes an offer: sharing
/// the catalog let that change reorder another class's price sort whenever the listing caught up first.
/// </summary>
public sealed class EmbeddedProductDetailTests(EmbeddedStorefrontFactory factory) : IClassFixture<EmbeddedStorefrontFactory>
{
    private StorefrontCatalog Data => factory.Catalog;

    [Fact]
    public async Task Product_detail_answers_304_for_its_etag_and_is_evicted_by_an_offer_change()
    {
        var client = factory.CreateClient();
        var url = $"/api/v1/products/{Data.IPhone}";
        var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl!.Public);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var offer = await db.Offers.SingleAsync(o => o.Id == Data.OfferCheapNoStock);
            offer.Stock = 4;
            db.Publish(new OfferChanged(offer.Id, offer.SkuId, offer.ProductId, offer.SellerId, offer.Price, offer.Currency, 4, DateTimeOffset.UtcNow), TimeProvider.System);
            await db.SaveChangesAsync();
        }

        var detail = await Eventually.ReadAsync(
            async () => (await client.GetFromJsonAsync<ProductDetailResponse>(url))!,
            read => read.BuyBox?.OfferId == Data.OfferCheapNoStock);

        Assert.Equal(Data.OfferCheapNoStock, detail.BuyBox?.OfferId);
        using var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(stale)).StatusCode);
    }
}
