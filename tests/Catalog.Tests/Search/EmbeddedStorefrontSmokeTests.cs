using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.ProductDetail;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>The storefront on the embedded profile: SQLite FTS5 search and the in-memory bus.</summary>
public sealed class EmbeddedStorefrontSmokeTests(EmbeddedStorefrontFactory factory) : IClassFixture<EmbeddedStorefrontFactory>
{
    private StorefrontCatalog Data => factory.Catalog;

    [Theory]
    [InlineData("iphone")]
    [InlineData("samsung")]
    [InlineData("astrophotography")]
    [InlineData("256GB")]
    [InlineData("gala")]
    public async Task Fts5_search_finds_products_by_title_brand_description_attribute_and_prefix(string q)
    {
        var ids = await factory.CreateClient().IdsAsync($"q={q}");

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(id, new[] { Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone }));
    }

    [Fact]
    public async Task Fts5_search_with_a_typo_still_finds_the_product()
    {
        var page = await factory.CreateClient().ListAsync("q=iphnoe");

        Assert.Equal(Data.IPhone, page.Items[0].Id);
        Assert.True(page.TypoTolerant);
    }

    [Theory]
    [InlineData("' OR 1=1 --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("NEAR(iphone galaxy)")]
    [InlineData("\"unbalanced")]
    [InlineData("title:iphone*")]
    [InlineData("AND OR NOT")]
    public async Task Fts5_search_payloads_answer_200_and_change_nothing(string q)
    {
        int Count()
        {
            using var scope = factory.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Products.Count();
        }

        var before = Count();
        var response = await factory.CreateClient().GetAsync($"/api/v1/products?q={Uri.EscapeDataString(q)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, Count());
    }

    [Fact]
    public async Task Facets_and_filters_work_on_sqlite()
    {
        var page = await factory.CreateClient().ListAsync($"category={Data.Phones}&brand={Data.Apple}&attr.color=black&attr.color=blue&attr.storage.min=100");

        Assert.Equal([Data.IPhone], page.Items.Select(i => i.Id));
        Assert.Equal(new[] { (Data.Apple.ToString(), 1), (Data.Samsung.ToString(), 1) }.Order(), page.Facets!.Brands.Select(b => (b.Value, b.Count)).Order());
        Assert.Equal([("black", 1)], page.Facets.Attributes.Single(a => a.Code == "color").Values.Select(v => (v.Value, v.Count)));
    }

    [Theory]
    [InlineData("popularity")]
    [InlineData("price_asc")]
    [InlineData("price_desc")]
    [InlineData("rating")]
    [InlineData("newest")]
    public async Task Keyset_pages_walk_every_product_once_on_sqlite(string sort)
    {
        var items = await factory.CreateClient().WalkAsync($"category={Data.Paging}&sort={sort}&limit=4");

        Assert.Equal(Data.PagingProducts.Order(), items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Price_sort_orders_by_price_on_sqlite()
    {
        var ids = await factory.CreateClient().IdsAsync($"category={Data.Electronics}&sort=price_asc");
        Assert.Equal([Data.Fairphone, Data.Pixel, Data.Galaxy, Data.IPhone, Data.MacBook], ids);
    }

    [Theory]
    [InlineData("paging widget")]
    [InlineData("paging widg")]
    public async Task Relevance_pages_walk_a_search_once_on_sqlite(string q)
    {
        // "widg" is found as a prefix only: the first page falls back to it, and its cursor keeps the prefix.
        var items = await factory.CreateClient().WalkAsync($"q={Uri.EscapeDataString(q)}&limit=4");
        Assert.Equal(Data.PagingProducts.Order(), items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Product_views_raise_popularity_through_the_in_process_buffer()
    {
        double Popularity()
        {
            using var scope = factory.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Products.AsNoTracking().Single(p => p.Id == Data.MacBook).Popularity;
        }

        var before = Popularity();
        var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/products/{Data.MacBook}")).StatusCode);
        }

        var after = await Eventually.ReadAsync(() => Task.FromResult(Popularity()), popularity => popularity > before);

        Assert.True(after > before, $"Popularity stayed at {before}.");
    }

    [Fact]
    public async Task The_system_endpoint_reports_the_fts5_search_adapter()
    {
        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        var body = await admin.GetStringAsync("/api/v1/system");
        Assert.Contains("sqlite fts5", body, StringComparison.Ordinal);
    }
}
