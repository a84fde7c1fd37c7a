using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Bulk;

/// <summary>A host whose bulk requests carry at most three rows and 4 KiB.</summary>
public sealed class ThreeRowBulkFactory : MarketplaceFactory
{
    public ThreeRowBulkFactory()
    {
        Settings["Catalog:MaxBulkRows"] = "3";
        Settings["Catalog:MaxBulkBodyBytes"] = "4096";
        Settings["Api:CredentialAttemptsPerMinute"] = "10000";
    }
}

public sealed class BulkRowLimitTests(ThreeRowBulkFactory factory) : IClassFixture<ThreeRowBulkFactory>
{
    private readonly MarketplaceFactory _factory = factory;

    [Fact]
    public async Task Rows_past_the_row_limit_are_rejected_unread_and_the_rows_before_it_land()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var prefix = $"L{Guid.NewGuid():N}"[..12];
        await SellerCatalogArrange.SeedSkusAsync(_factory, categoryId, prefix, 5);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var body = string.Join('\n', Enumerable.Range(0, 5).Select(i => $$"""{"sku":"{{prefix}}-{{i}}","price":1,"currency":"EUR","stock":1}"""));

        var report = await SellerBulkUpsertTests.BulkAsync(seller, "offers:bulk", body, "application/x-ndjson");

        Assert.True(report.GetProperty("rowLimitExceeded").GetBoolean());
        Assert.Equal(3, report.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal(2, report.GetProperty("totals").GetProperty("rejected").GetInt32());
        SellerBulkUpsertTests.AssertRow(report, 4, "rejected", "$");
    }


    [Fact]
    public async Task A_bulk_body_over_the_byte_limit_is_413_before_any_row_is_written()
    {
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var body = string.Join('\n', Enumerable.Range(0, 100).Select(i => $$"""{"sku":"BIG-{{i}}","price":1,"currency":"EUR","stock":1}"""));

        var response = await seller.Client.PostAsync(
            $"/api/v1/sellers/{seller.SellerId}/offers:bulk", new StringContent(body, System.Text.Encoding.UTF8, "application/x-ndjson"));

        await response.AssertProblemAsync(System.Net.HttpStatusCode.RequestEntityTooLarge);
    }
}
