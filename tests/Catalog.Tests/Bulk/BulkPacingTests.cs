using System.Diagnostics;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Bulk;

/// <summary>The real host pacing bulk runs at 20 rows a second, in batches of 10.</summary>
public sealed class PacedBulkHost : MarketplaceFactory
{
    public PacedBulkHost()
    {
        this.ForSellerTests();
        Settings["Catalog:BulkRowsPerSecond"] = "20";
        Settings["Catalog:BulkBatchSize"] = "10";
    }
}

/// <summary>
/// Bulk runs of one replica share <c>Catalog:BulkRowsPerSecond</c>: each batch waits until the batches before it have
/// had their time, so a big file is spread out rather than taking the cores from shoppers' reads.
/// </summary>
public sealed class BulkPacingTests(PacedBulkHost factory) : IClassFixture<PacedBulkHost>
{
    [Fact]
    public async Task A_bulk_file_is_written_whole_at_no_more_than_the_paced_rate()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var prefix = $"P{Guid.NewGuid():N}"[..12];
        await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, prefix, 40);
        var seller = await SellerCatalogArrange.SellerAsync(factory);
        var body = string.Join('\n', Enumerable.Range(0, 40).Select(i => $$"""{"sku":"{{prefix}}-{{i}}","price":{{10 + i}},"currency":"EUR","stock":2}"""));

        var elapsed = Stopwatch.StartNew();
        var report = await SellerBulkUpsertTests.BulkAsync(seller, "offers:bulk", body, "application/x-ndjson");
        elapsed.Stop();

        Assert.Equal(40, report.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal(40, await SellerCatalogArrange.WithDbAsync(factory, db => db.Offers.CountAsync(o => o.SellerId == seller.SellerId)));
        // Four batches of 10 at 20 rows a second: the first goes at once, each later one half a second after the one before.
        // A lower bound only, which a slow machine cannot break.
        Assert.True(elapsed.Elapsed >= TimeSpan.FromSeconds(1.4), $"40 rows were written in {elapsed.Elapsed.TotalSeconds:F2} s, faster than 20 rows a second allows.");
    }
}
