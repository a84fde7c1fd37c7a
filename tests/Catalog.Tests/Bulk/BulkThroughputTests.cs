using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Marketplace.Catalog.Tests.Bulk;

/// <summary>Runs only when asked (it takes half a minute): <c>MARKETPLACE_BULK_BENCHMARK=1</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MARKETPLACE_BULK_BENCHMARK") != "1")
        {
            Skip = "Set MARKETPLACE_BULK_BENCHMARK=1 to measure bulk throughput (100,000 rows).";
        }
    }
}

public sealed class BulkThroughputTests(MarketplaceFactory factory, ITestOutputHelper output) : IClassFixture<MarketplaceFactory>
{
    [BenchmarkFact]
    public async Task A_full_bulk_of_100000_offer_rows_lands_well_within_30_seconds_on_postgresql()
    {
        const int count = 100_000;
        factory.ForSellerTests();
        if (Environment.GetEnvironmentVariable("MARKETPLACE_BULK_BENCHMARK_NO_RELAY") == "1")
        {
            // Measures the write path alone: the relay (and so the consumers) stay idle during the request.
            factory.Settings["Messaging:Outbox:PollInterval"] = "01:00:00";
        }

        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var prefix = $"T{Guid.NewGuid():N}"[..10];
        var productId = await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, prefix, 1);
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            await db.Database.ExecuteSqlAsync($$"""
                INSERT INTO catalog.skus (id, product_id, code, attributes, weight_grams, length_mm, width_mm, height_mm)
                SELECT gen_random_uuid(), {{productId}}, {{prefix}} || '-x' || n, '{}'::jsonb, 1, 1, 1, 1 FROM generate_series(1, {{count}}) AS n
                """);
        }

        var seller = await SellerCatalogArrange.SellerAsync(factory);
        var body = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            body.Append("{\"sku\":\"").Append(prefix).Append("-x").Append(i).Append("\",\"price\":").Append(i % 900 + 1).Append(".49,\"currency\":\"EUR\",\"stock\":").Append(i % 13).Append("}\n");
        }

        var payload = body.ToString();
        var clock = Stopwatch.StartNew();
        var first = await seller.Client.PostAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", new StringContent(payload, Encoding.UTF8, "application/x-ndjson"));
        var firstBody = await first.Content.ReadAsStringAsync();
        var created = clock.Elapsed;
        clock.Restart();
        var again = await seller.Client.PostAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", new StringContent(payload, Encoding.UTF8, "application/x-ndjson"));
        var againBody = await again.Content.ReadAsStringAsync();
        var unchanged = clock.Elapsed;
        output.WriteLine($"{count} rows ({payload.Length / 1024 / 1024} MiB): created in {created.TotalSeconds:F1} s, re-sent (all unchanged) in {unchanged.TotalSeconds:F1} s; report {firstBody.Length / 1024 / 1024} MiB");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(count, JsonDocument.Parse(firstBody).RootElement.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal(count, JsonDocument.Parse(againBody).RootElement.GetProperty("totals").GetProperty("unchanged").GetInt32());
        Assert.True(created < TimeSpan.FromSeconds(30), $"Took {created}.");
    }
}
