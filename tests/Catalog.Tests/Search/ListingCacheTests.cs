using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>The real host with listing pages cached for a few seconds, as in production.</summary>
public sealed class ListingCacheHost : MarketplaceFactory
{
    // Long enough that the first reads come back within it on a busy CI machine (5 s was not, once).
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    public ListingCacheHost() => Settings["Catalog:ListingCacheTtl"] = Ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class ListingCacheTests(ListingCacheHost factory) : IClassFixture<ListingCacheHost>
{
    [Fact]
    public async Task A_listing_page_is_served_from_memory_until_its_time_to_live_ends()
    {
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Cached lamp");
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 10m).SetProperty(p => p.Currency, "EUR").SetProperty(p => p.InStock, true)));
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={category.Id}";
        var clock = Stopwatch.StartNew();

        Assert.Equal(10m, await FirstPriceAsync(client, url));
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 12m)));
        Assert.Equal(12m, await FirstPriceAsync(client, $"{url}&sort=price_asc"));

        // Poll the cached page: every read that ends within the time to live (counted from before the page was
        // rendered) must still show the rendered price; the new one must show once the time to live has ended.
        var cachedReads = 0;
        decimal price;
        do
        {
            price = await FirstPriceAsync(client, url);
            if (clock.Elapsed < ListingCacheHost.Ttl)
            {
                Assert.Equal(10m, price);
                cachedReads++;
            }

            await Task.Delay(100);
        }
        while (price != 12m && clock.Elapsed < ListingCacheHost.Ttl + TimeSpan.FromSeconds(30));

        var renewedBy = clock.Elapsed;
        Assert.Equal(12m, price);
        Assert.True(cachedReads > 0, "No read came back within the time to live.");
        Assert.True(renewedBy >= ListingCacheHost.Ttl, $"The page changed after {renewedBy.TotalSeconds:0.0} s, within its time to live.");
    }

    private static async Task<decimal> FirstPriceAsync(HttpClient client, string url)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(url);
        return page.GetProperty("items")[0].GetProperty("minPrice").GetDecimal();
    }
}

/// <summary>Listing pages cached far longer than any test runs, so only an event can drop them.</summary>
public sealed class LongListingCacheHost : MarketplaceFactory
{
    public LongListingCacheHost() => Settings["Catalog:ListingCacheTtl"] = "00:10:00";
}

public sealed class ListingCacheEvictionTests(LongListingCacheHost factory) : IClassFixture<LongListingCacheHost>
{
    [Fact]
    public async Task A_product_change_event_drops_cached_listing_pages()
    {
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Evicted lamp");
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 10m).SetProperty(p => p.Currency, "EUR").SetProperty(p => p.InStock, true)));
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={category.Id}";
        Assert.Equal(10m, await FirstPriceAsync(client, url));

        await CatalogArrange.WithDbAsync(factory, async db =>
        {
            await db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 15m));
            db.Publish(new Contracts.ProductChanged(product.Id, DateTimeOffset.UtcNow), TimeProvider.System);
        });

        Assert.Equal(15m, await Eventually.ReadAsync(() => FirstPriceAsync(client, url), price => price == 15m));
    }

    [Fact]
    public async Task The_listing_summary_refresh_drops_pages_rendered_before_it_caught_up()
    {
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Late lamp");
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 20m).SetProperty(p => p.Currency, "EUR").SetProperty(p => p.InStock, true)));
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={category.Id}";
        Assert.Equal(20m, await FirstPriceAsync(client, url));

        // The summary moves on and only the refresh's event says so (no offer or product event follows it).
        await CatalogArrange.WithDbAsync(factory, async db =>
        {
            await db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 18m));
            db.Publish(new Contracts.ProductListingsRefreshed([product.Id], DateTimeOffset.UtcNow), TimeProvider.System);
        });

        Assert.Equal(18m, await Eventually.ReadAsync(() => FirstPriceAsync(client, url), price => price == 18m));
    }

    private static async Task<decimal> FirstPriceAsync(HttpClient client, string url)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(url);
        return page.GetProperty("items")[0].GetProperty("minPrice").GetDecimal();
    }
}
