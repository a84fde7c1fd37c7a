using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>The real host with listing pages cached for a few seconds, as in production.</summary>
public sealed class ListingCacheHost : MarketplaceFactory
{
    // Long enough that the first reads come back within it on a busy CI machine (5 s was not, once).
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    public ListingCacheHost()
    {
        Settings["Catalog:ListingCacheTtl"] = Ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        // The product's own listing event may arrive after the first render; it must not renew the page before its time to live.
        Settings["Catalog:ListingMembershipTtl"] = Ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        this.ForOfferArrange();
    }
}

public sealed class ListingCacheTests(ListingCacheHost factory) : IClassFixture<ListingCacheHost>
{
    [Fact]
    public async Task A_listing_page_keeps_its_products_in_memory_until_its_time_to_live_ends()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1))[0];
        await Eventually.ReadAsync(
            () => SellerCatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == offer.ProductId).Select(p => p.MinPrice != null).SingleAsync()),
            listed => listed);
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={offer.CategoryId}";
        var clock = Stopwatch.StartNew();
        var title = await FirstTitleAsync(client, url);

        // The title changes with no event to say so, as a missed event would leave it: only the time to live renews the page.
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == offer.ProductId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Renamed lamp")));

        // Every read that ends within the time to live (counted from before the page was rendered) must still show the
        // rendered title; the new one must show once the time to live has ended.
        var cachedReads = 0;
        string shown;
        do
        {
            shown = await FirstTitleAsync(client, url);
            if (clock.Elapsed < ListingCacheHost.Ttl)
            {
                Assert.Equal(title, shown);
                cachedReads++;
            }

            await Task.Delay(100);
        }
        while (shown != "Renamed lamp" && clock.Elapsed < ListingCacheHost.Ttl + TimeSpan.FromSeconds(30));

        var renewedBy = clock.Elapsed;
        Assert.Equal("Renamed lamp", shown);
        Assert.True(cachedReads > 0, "No read came back within the time to live.");
        Assert.True(renewedBy >= ListingCacheHost.Ttl, $"The page changed after {renewedBy.TotalSeconds:0.0} s, within its time to live.");
    }

    private static async Task<string> FirstTitleAsync(HttpClient client, string url)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(url);
        return page.GetProperty("items")[0].GetProperty("title").GetString()!;
    }
}
