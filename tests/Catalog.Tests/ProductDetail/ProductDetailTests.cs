using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.ProductDetail;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.ProductDetail;

public sealed class ProductDetailTests(StorefrontFactory factory) : IClassFixture<StorefrontFactory>
{
    private StorefrontCatalog Data => factory.Catalog;

    [Fact]
    public async Task The_one_statement_read_on_postgresql_gives_the_same_page_as_the_read_per_part()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        // Products with offers, links and reviews among them: every part of the page is compared.
        var ids = await db.Products.Select(p => p.Id).ToListAsync();
        Assert.Contains(Data.IPhone, ids);
        Assert.True(await db.ProductLinks.AnyAsync() && await db.Reviews.AnyAsync(r => r.Status == ReviewStatus.Published), "The arranged catalog has no links or published reviews to compare.");

        foreach (var id in ids)
        {
            var perPart = await ProductDetailRows.ReadAsync(id, db, CancellationToken.None);
            var oneStatement = await ProductDetailRows.ReadPostgresAsync(id, db, CancellationToken.None);

            Assert.Equal(
                System.Text.Json.JsonSerializer.Serialize(ProductDetailCache.Build(perPart!)),
                System.Text.Json.JsonSerializer.Serialize(ProductDetailCache.Build(oneStatement!)));
        }

        Assert.Null(await ProductDetailRows.ReadPostgresAsync(Guid.NewGuid(), db, CancellationToken.None));
    }

    [Fact]
    public async Task Product_detail_puts_the_buy_box_first_by_price_then_seller_rating_then_dispatch()
    {
        var detail = await factory.CreateClient().GetFromJsonAsync<ProductDetailResponse>($"/api/v1/products/{Data.IPhone}");

        // The cheapest offer has no stock, so it goes last; at 949 the better-rated seller wins, then the faster dispatch.
        Assert.Equal(Data.OfferTrusted, detail!.BuyBox!.OfferId);
        Assert.Equal("Trusted Seller", detail.BuyBox.SellerName);
        Assert.Equal([Data.OfferTrusted, Data.OfferSlow, Data.OfferCheapSeller, Data.OfferCheapNoStock], detail.Offers.Select(o => o.OfferId));
        Assert.False(detail.Offers[^1].InStock);
    }

    [Fact]
    public async Task Product_detail_carries_skus_rating_summary_and_links_grouped_by_kind()
    {
        var detail = (await factory.CreateClient().GetFromJsonAsync<ProductDetailResponse>($"/api/v1/products/{Data.IPhone}"))!;

        var sku = Assert.Single(detail.Skus);
        Assert.Equal((171, 147, 72, 8), (sku.WeightGrams, sku.LengthMm, sku.WidthMm, sku.HeightMm));
        Assert.Equal("128", sku.Attributes["storage"]);
        Assert.Equal(50, detail.Rating.Count);
        Assert.Equal([0, 0, 0, 1, 1], detail.Rating.Stars);
        Assert.Equal([LinkKind.Related, LinkKind.Comparable], detail.Links.Select(l => l.Kind));
        Assert.Equal(new[] { Data.Galaxy, Data.Pixel }.Order(), detail.Links.Single(l => l.Kind == LinkKind.Comparable).Products.Select(p => p.Id).Order());
        Assert.Equal("MacBook Air 13", detail.Links.Single(l => l.Kind == LinkKind.Related).Products.Single().Title);
    }

    [Fact]
    public async Task Product_detail_has_a_strong_etag_public_caching_and_answers_304_when_unchanged()
    {
        var client = factory.CreateClient();
        var first = await client.GetAsync($"/api/v1/products/{Data.Galaxy}");
        var etag = first.Headers.ETag;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(60), first.Headers.CacheControl.MaxAge);
        Assert.Equal("application/json", first.Content.Headers.ContentType!.MediaType);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/products/{Data.Galaxy}");
        conditional.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/products/{Data.Galaxy}");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task Unknown_product_is_a_problem_json_404()
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/products/{Guid.NewGuid()}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_offer_change_published_through_the_outbox_evicts_the_cached_detail()
    {
        var client = factory.CreateClient();
        var url = $"/api/v1/products/{Data.Pixel}";
        var sku = Guid.NewGuid();
        var offer = Guid.NewGuid();
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            db.Skus.Add(new Sku { Id = sku, ProductId = Data.Pixel, Code = $"PX8-{sku:N}"[..20] });
            db.Offers.Add(new Offer { Id = offer, SkuId = sku, ProductId = Data.Pixel, SellerId = Data.SellerTrusted, Price = 700m, Currency = "EUR", Stock = 0, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var before = (await client.GetFromJsonAsync<ProductDetailResponse>(url))!;
        Assert.Equal(0, before.Offers.Single(o => o.OfferId == offer).Stock);

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var changed = await db.Offers.SingleAsync(o => o.Id == offer);
            changed.Stock = 9;
            changed.Price = 650m;
            db.Publish(new OfferChanged(offer, sku, Data.Pixel, Data.SellerTrusted, 650m, "EUR", 9, DateTimeOffset.UtcNow), TimeProvider.System);
            await db.SaveChangesAsync();
        }

        // The cache still holds the old rendering until the event arrives through the relay and the bus.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        ProductDetailResponse after;
        do
        {
            await Task.Delay(100);
            after = (await client.GetFromJsonAsync<ProductDetailResponse>(url))!;
        }
        while (after.BuyBox?.OfferId != offer && DateTime.UtcNow < deadline);

        Assert.Equal(offer, after.BuyBox?.OfferId);
        Assert.Equal(9, after.BuyBox!.Stock);
    }

    [Fact]
    public async Task Product_views_raise_popularity_without_a_write_per_request()
    {
        double Popularity(CatalogDbContext db) => db.Products.AsNoTracking().Single(p => p.Id == Data.Fairphone).Popularity;
        double before;
        using (var scope = factory.Services.CreateScope())
        {
            before = Popularity(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
        }

        var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/products/{Data.Fairphone}")).StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        double after;
        do
        {
            await Task.Delay(200);
            using var scope = factory.Services.CreateScope();
            after = Popularity(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
        }
        while (after <= before && DateTime.UtcNow < deadline);

        Assert.True(after > before, $"Popularity stayed at {before}.");
    }
}
