using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests;

/// <summary>Every paged list speaks one dialect: <c>limit</c> and <c>cursor</c>, with the same answer to the same mistake.</summary>
public sealed class PagingDialectTests(AdminMarketplaceFactory factory) : IClassFixture<AdminMarketplaceFactory>
{
    private readonly MarketplaceFactory _factory = factory.ForSellerTests();

    [Theory]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task The_same_bad_paging_input_gets_the_same_problem_text_on_every_paged_list(string query, string field)
    {
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var admin = _factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(_factory.CreateClient()));
        var anonymous = _factory.CreateClient();

        var answers = new Dictionary<string, string[]>
        {
            ["products"] = await ErrorsAsync(anonymous, $"/api/v1/products?{query}", field),
            ["reviews"] = await ErrorsAsync(anonymous, $"/api/v1/products/{Guid.NewGuid()}/reviews?{query}", field),
            ["seller offers"] = await ErrorsAsync(seller.Client, $"/api/v1/sellers/{seller.SellerId}/offers?{query}", field),
            ["rule audit"] = await ErrorsAsync(admin, $"/api/v1/marketing/rules/audit?{query}", field),
        };

        var texts = answers.Select(a => string.Join(" | ", a.Value)).Distinct().ToList();
        Assert.True(texts.Count == 1, "The lists disagree: " + string.Join("; ", answers.Select(a => $"{a.Key}: {string.Join(" | ", a.Value)}")));
        Assert.NotEmpty(texts[0]);
    }

    private static async Task<string[]> ErrorsAsync(HttpClient client, string url, string field)
    {
        var problem = await (await client.GetAsync(url)).AssertValidationProblemAsync(field);
        return problem.GetProperty("errors").EnumerateObject().Where(e => ProblemAssertions.Names(e.Name, field))
            .SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString()!)).ToArray();
    }
}
