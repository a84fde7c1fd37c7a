using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>
/// Seller text feeds the PostgreSQL typo dictionary, and shopper text feeds the query: neither may be read as
/// <c>to_tsquery</c> syntax (operators, quotes, backslashes), so hostile text is always a 200 with a sensible match.
/// </summary>
public sealed class SearchQueryInjectionTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    private const string HostileDescription =
        "Order at iphnoe.com/(x or iphnoe.net/a&b|c! and :* 'quoted' \"double\" back\\slash <-> foo:*B (bar) !baz o'neil";

    private readonly MarketplaceFactory _factory = factory.ForSellerTests();

    [Fact]
    public async Task Seller_text_with_tsquery_operators_never_breaks_a_typo_search()
    {
        var productId = await HostileProductAsync();
        const string query = "iphnoe";

        var response = await _factory.CreateClient().GetAsync($"/api/v1/products?q={Uri.EscapeDataString(query)}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"q={query} answered {(int)response.StatusCode}: {body}");
        var page = (await response.Content.ReadFromJsonAsync<Catalog.Search.ProductListResponse>())!;
        Assert.Contains(productId, page.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData("iphnoe.com")]
    [InlineData("iphnoe.com/(x")]
    [InlineData("iphnoe.net/a&b|c!")]
    [InlineData("a & b | !c")]
    [InlineData("(x")]
    [InlineData("foo:* <-> bar")]
    [InlineData("'quoted' \"double\"")]
    [InlineData("back\\slash \\")]
    [InlineData("o'neil")]
    [InlineData("!baz)")]
    [InlineData("&|!:*()<->'\"\\")]
    public async Task Search_text_with_tsquery_operators_is_a_200(string query)
    {
        await HostileProductAsync();

        var response = await _factory.CreateClient().GetAsync($"/api/v1/products?q={Uri.EscapeDataString(query)}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"q={query} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static readonly SemaphoreSlim Arranging = new(1, 1);
    private static Guid? SeededProductId;

    /// <summary>One offered product whose description carries every tsquery operator (created once per class).</summary>
    private async Task<Guid> HostileProductAsync()
    {
        await Arranging.WaitAsync();
        try
        {
            if (SeededProductId is { } existing)
            {
                return existing;
            }

            var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
            var seller = await SellerCatalogArrange.SellerAsync(_factory);
            var code = $"INJ-{Guid.NewGuid():N}"[..16];
            var created = await seller.Client.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", new
            {
                title = "Zqhostile handset",
                categoryId,
                description = HostileDescription,
                skus = new[] { new { code, weightGrams = 500, lengthMm = 100, widthMm = 100, heightMm = 100 } },
            });
            var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
            var productId = body.GetProperty("id").GetGuid();
            var skuId = body.GetProperty("skus")[0].GetProperty("id").GetGuid();
            var offer = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skuId}", new { price = 19.90m, currency = "EUR", stock = 3 });
            Assert.True(offer.IsSuccessStatusCode, await offer.Content.ReadAsStringAsync());
            var client = _factory.CreateClient();
            var listed = await Eventually.ReadAsync(() => client.IdsAsync("q=zqhostile"), ids => ids.Contains(productId));
            Assert.Contains(productId, listed);
            SeededProductId = productId;
            return productId;
        }
        finally
        {
            Arranging.Release();
        }
    }
}

/// <summary>The same hostile search text on SQLite, where words become quoted FTS5 strings.</summary>
public sealed class EmbeddedSearchQueryInjectionTests(EmbeddedMarketplaceFactory factory) : IClassFixture<EmbeddedMarketplaceFactory>
{
    [Theory]
    [InlineData("iphnoe.com/(x")]
    [InlineData("a AND b OR NOT c")]
    [InlineData("NEAR(a b, 2)")]
    [InlineData("title:phone")]
    [InlineData("\"unclosed")]
    [InlineData("pho* ^start -minus +plus")]
    [InlineData("&|!:*()<->'\"\\")]
    public async Task Search_text_with_fts5_operators_is_a_200(string query)
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/products?q={Uri.EscapeDataString(query)}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"q={query} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
