using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Domain;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>The real host sharing browse facet counts for five minutes of a clock the test moves; pages are not cached.</summary>
public sealed class BrowseFacetsHost : ClockedMarketplaceFactory
{
    public BrowseFacetsHost() => Settings["Catalog:BrowseFacetsTtl"] = "00:05:00";
}

/// <summary>
/// An unfiltered category browse shows facet counts shared for <c>Catalog:BrowseFacetsTtl</c>, with its page read fresh,
/// and recounted in the background once they expire; any filter, or words, count their own.
/// </summary>
public sealed class BrowseFacetsTests(BrowseFacetsHost factory) : IClassFixture<BrowseFacetsHost>
{
    [Fact]
    public async Task An_unfiltered_browse_reuses_its_categorys_counts_until_they_expire_while_its_page_and_filtered_browses_are_current()
    {
        var category = await CatalogArrange.CategoryAsync(factory);
        var lamp = await ListedAsync(category, "Facet lamp", 10m);
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={category.Id}";
        Assert.Equal(1, Matched(await ListAsync(client, url)));

        var desk = await ListedAsync(category, "Facet desk", 250m);

        var shared = await ListAsync(client, url);
        Assert.Equal(new[] { lamp.Id, desk.Id }.Order(), Ids(shared).Order());
        Assert.Equal(1, Matched(shared));
        Assert.Equal(2, Matched(await ListAsync(client, url + "&inStock=true")));
        Assert.Equal(1, Matched(await ListAsync(client, url + "&maxPrice=100")));
        Assert.Equal(2, Matched(await ListAsync(client, url + "&q=facet")));

        factory.Clock.Advance(TimeSpan.FromMinutes(6));

        // The browse that finds the counts expired still shows them, and starts one recount in the background.
        Assert.Equal(1, Matched(await ListAsync(client, url)));
        var recounted = await Eventually.ReadAsync(() => ListAsync(client, url), page => Matched(page) == 2);
        var prices = recounted.GetProperty("facets").GetProperty("prices").EnumerateArray().Where(b => b.GetProperty("count").GetInt32() > 0).ToList();
        Assert.Equal(2, prices.Count);
    }

    [Fact]
    public async Task Each_category_keeps_counts_of_its_own()
    {
        var first = await CatalogArrange.CategoryAsync(factory);
        var second = await CatalogArrange.CategoryAsync(factory);
        await ListedAsync(first, "Own count one", 5m);
        await ListedAsync(second, "Own count two", 5m);
        await ListedAsync(second, "Own count three", 6m);
        var client = factory.CreateClient();

        Assert.Equal(1, Matched(await ListAsync(client, $"/api/v1/products?category={first.Id}")));
        Assert.Equal(2, Matched(await ListAsync(client, $"/api/v1/products?category={second.Id}")));
        Assert.Equal(1, Matched(await ListAsync(client, $"/api/v1/products?category={first.Id}")));
    }

    private async Task<Product> ListedAsync(Category category, string title, decimal price)
    {
        var product = await CatalogArrange.ProductAsync(factory, category, title);
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.MinPrice, price).SetProperty(p => p.Currency, "EUR").SetProperty(p => p.InStock, true).SetProperty(p => p.OfferCount, 1)));
        return product;
    }

    private static Task<JsonElement> ListAsync(HttpClient client, string url) => client.GetFromJsonAsync<JsonElement>(url);

    private static int Matched(JsonElement page) => page.GetProperty("facets").GetProperty("matched").GetInt32();

    private static IEnumerable<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid());
}
