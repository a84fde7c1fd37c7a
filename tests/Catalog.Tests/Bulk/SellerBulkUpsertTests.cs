using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Marketplace.Catalog.Tests.Bulk;

public sealed class SellerBulkUpsertTests(MarketplaceFactory factory, ITestOutputHelper output) : IClassFixture<MarketplaceFactory>
{
    private readonly MarketplaceFactory _factory = factory.ForSellerTests();

    [Fact]
    public async Task A_json_lines_bulk_writes_the_good_rows_and_reports_each_bad_row_with_its_line_field_and_reason()
    {
        var (seller, prefix) = await ArrangeAsync(4);
        var body = string.Join('\n',
            $$"""{"sku":"{{prefix}}-0","price":10.50,"currency":"EUR","stock":3}""",
            $$"""{"sku":"{{prefix}}-1","price":-1,"currency":"EUR","stock":3}""",
            $$"""{"sku":"{{prefix}}-2","price":12,"currency":"EUR","stock":"lots"}""",
            """{"sku":"broken json""",
            "",
            $$"""{"sku":"{{prefix}}-3","price":12,"currency":"USD","stock":1}""",
            """{"sku":"NO-SUCH-SKU","price":12,"currency":"EUR","stock":1}""",
            $$"""{"sku":"{{prefix}}-0","price":11,"currency":"EUR","stock":1}""",
            $$"""{"sku":"{{prefix}}-3","price":9.99,"currency":"EUR","stock":0,"dispatchDays":5,"prise":1}""",
            $$"""{"sku":"{{prefix}}-3","price":9.99,"currency":"EUR","stock":0,"dispatchDays":5}""");

        var report = await BulkAsync(seller, "offers:bulk", body, "application/x-ndjson");

        AssertRow(report, 1, "created");
        AssertRow(report, 2, "rejected", "price");
        AssertRow(report, 3, "rejected", "stock");
        AssertRow(report, 4, "rejected", "$");
        AssertRow(report, 6, "rejected", "currency", "EUR");
        AssertRow(report, 7, "rejected", "sku");
        AssertRow(report, 8, "rejected", "$", "row 1");
        AssertRow(report, 9, "rejected", "prise");
        AssertRow(report, 10, "created");
        Assert.Equal(9, report.GetProperty("totals").GetProperty("rows").GetInt32());
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal(7, report.GetProperty("totals").GetProperty("rejected").GetInt32());

        var offers = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Offers.AsNoTracking().Where(o => o.SellerId == seller.SellerId).ToListAsync());
        Assert.Equal(2, offers.Count);
        Assert.Contains(offers, o => o is { Price: 10.50m, Stock: 3, DispatchDays: 2 });
        Assert.Contains(offers, o => o is { Price: 9.99m, Stock: 0, DispatchDays: 5 });
        Assert.Equal(2, await SellerCatalogArrange.OfferChangedEventsAsync(_factory, seller.SellerId));
    }

    [Fact]
    public async Task A_csv_bulk_finds_skus_by_code_or_gtin_and_rejects_rows_with_a_wrong_column_count_or_bad_numbers()
    {
        var (seller, prefix) = await ArrangeAsync(3);
        var gtin = "4006381333931";
        await SellerCatalogArrange.WithDbAsync(_factory, db => db.Skus.Where(s => s.Code == $"{prefix}-2").ExecuteUpdateAsync(s => s.SetProperty(x => x.Gtin, gtin)));
        var csv = new StringBuilder()
            .AppendLine("sku,gtin,price,currency,stock,dispatchDays")
            .AppendLine($"{prefix}-0,,5.00,EUR,1,")
            .AppendLine($"{prefix}-1,,\"12,50\",EUR,1,")
            .AppendLine($"{prefix}-1,,12.5,EUR,1")
            .AppendLine($",{gtin},7.25,EUR,4,3")
            .AppendLine($"{prefix}-1,,abc,EUR,1,")
            .ToString();

        var report = await BulkAsync(seller, "offers:bulk", csv, "text/csv");

        AssertRow(report, 2, "created");
        AssertRow(report, 3, "rejected", "price");
        AssertRow(report, 4, "rejected", "$");
        AssertRow(report, 5, "created");
        AssertRow(report, 6, "rejected", "price");
        var offers = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Offers.AsNoTracking().Where(o => o.SellerId == seller.SellerId).ToListAsync());
        Assert.Equal(2, offers.Count);
        Assert.Contains(offers, o => o is { Price: 7.25m, Stock: 4, DispatchDays: 3 });
    }

    [Fact]
    public async Task Sending_the_same_bulk_again_reports_every_row_unchanged_and_raises_no_events_while_a_changed_row_raises_one()
    {
        var (seller, prefix) = await ArrangeAsync(50);
        var rows = Enumerable.Range(0, 50).Select(i => $$"""{"sku":"{{prefix}}-{{i}}","price":{{i + 1}}.25,"currency":"EUR","stock":{{i}}}""").ToList();

        var first = await BulkAsync(seller, "offers:bulk", string.Join('\n', rows), "application/x-ndjson");
        var eventsAfterFirst = await SellerCatalogArrange.OfferChangedEventsAsync(_factory, seller.SellerId);
        var again = await BulkAsync(seller, "offers:bulk", string.Join('\n', rows), "application/x-ndjson");
        rows[7] = $$"""{"sku":"{{prefix}}-7","price":99,"currency":"EUR","stock":7}""";
        var oneChanged = await BulkAsync(seller, "offers:bulk", string.Join('\n', rows), "application/x-ndjson");

        Assert.Equal(50, first.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal(50, eventsAfterFirst);
        Assert.Equal(50, again.GetProperty("totals").GetProperty("unchanged").GetInt32());
        Assert.All(again.GetProperty("rows").EnumerateArray(), r => Assert.Equal("unchanged", r.GetProperty("outcome").GetString()));
        Assert.Equal(1, oneChanged.GetProperty("totals").GetProperty("updated").GetInt32());
        AssertRow(oneChanged, 8, "updated");
        Assert.Equal(51, await SellerCatalogArrange.OfferChangedEventsAsync(_factory, seller.SellerId));
    }

    [Fact]
    public async Task Ten_thousand_offer_rows_in_one_request_are_written_in_batches()
    {
        const int count = 10_000;
        var (seller, prefix) = await ArrangeAsync(count);
        var body = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            body.Append("{\"sku\":\"").Append(prefix).Append('-').Append(i).Append("\",\"price\":").Append(i % 500 + 1).Append(".99,\"currency\":\"EUR\",\"stock\":").Append(i % 7).Append("}\n");
        }

        var clock = Stopwatch.StartNew();
        var report = await BulkAsync(seller, "offers:bulk?report=rejected", body.ToString(), "application/x-ndjson");
        output.WriteLine($"{count} offer rows in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(count, report.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Empty(report.GetProperty("rows").EnumerateArray());
        Assert.Equal(count, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Offers.CountAsync(o => o.SellerId == seller.SellerId)));
    }

    [Fact]
    public async Task An_unsupported_content_type_is_415_problem_json()
    {
        var seller = await SellerCatalogArrange.SellerAsync(_factory);

        var response = await seller.Client.PostAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", new StringContent("<offers/>", MediaTypeHeaderValue.Parse("application/xml")));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/x-ndjson", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_products_bulk_creates_and_updates_single_sku_products_and_rejects_bad_rows_without_writing_them()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var code = $"PB-{Guid.NewGuid():N}"[..14];
        string Row(string sku, string attributes, string extra = "") =>
            $$"""{"sku":"{{sku}}","title":"Bulk {{sku}}","categoryId":"{{categoryId}}","brand":"acme-mobile","description":"<p>ok</p><script>x()</script>","attributes":{{attributes}},"images":["https://cdn.example.com/{{sku}}.jpg"],"weightGrams":100,"lengthMm":10,"widthMm":10,"heightMm":10{{extra}}}""";
        var body = string.Join('\n',
            Row($"{code}-a", """{"color":"red","screen_size":5}"""),
            Row($"{code}-b", """{"color":"purple"}"""),
            Row($"{code}-c", "{}", ",\"gtin\":\"123\""),
            Row($"{code}-d", """{"unknown":"x"}"""));

        var report = await BulkAsync(seller, "products:bulk", body, "application/x-ndjson");
        var again = await BulkAsync(seller, "products:bulk", Row($"{code}-a", """{"color":"red","screen_size":5}"""), "application/x-ndjson");
        var changed = await BulkAsync(seller, "products:bulk", Row($"{code}-a", """{"color":"black","screen_size":5}"""), "application/x-ndjson");

        AssertRow(report, 1, "created");
        AssertRow(report, 2, "rejected", "attributes.color");
        AssertRow(report, 3, "rejected", "gtin");
        AssertRow(report, 4, "rejected", "attributes.unknown");
        AssertRow(again, 1, "unchanged");
        AssertRow(changed, 1, "updated");
        var products = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().Where(p => p.OwnerSellerId == seller.SellerId).ToListAsync());
        var product = Assert.Single(products);
        Assert.DoesNotContain("<script", product.DescriptionHtml, StringComparison.Ordinal);
        Assert.Equal("black", product.Attributes["color"]);
        Assert.Equal(2, product.Version);
    }

    private async Task<(SellerClient Seller, string Prefix)> ArrangeAsync(int skus)
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var prefix = $"B{Guid.NewGuid():N}"[..12];
        await SellerCatalogArrange.SeedSkusAsync(_factory, categoryId, prefix, skus);
        return (await SellerCatalogArrange.SellerAsync(_factory), prefix);
    }

    internal static async Task<JsonElement> BulkAsync(SellerClient seller, string path, string body, string contentType)
    {
        var response = await seller.Client.PostAsync($"/api/v1/sellers/{seller.SellerId}/{path}", new StringContent(body, Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static void AssertRow(JsonElement report, int row, string outcome, string? field = null, string? reasonContains = null)
    {
        var entry = report.GetProperty("rows").EnumerateArray().SingleOrDefault(r => r.GetProperty("row").GetInt32() == row);
        Assert.True(entry.ValueKind == JsonValueKind.Object, $"No result for row {row} in {report}");
        Assert.True(outcome == entry.GetProperty("outcome").GetString(), $"Row {row}: {entry}");
        if (field is not null)
        {
            Assert.True(string.Equals(field, entry.GetProperty("field").GetString(), StringComparison.OrdinalIgnoreCase), $"Row {row}: {entry}");
        }

        if (reasonContains is not null)
        {
            Assert.Contains(reasonContains, entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
    }
}
