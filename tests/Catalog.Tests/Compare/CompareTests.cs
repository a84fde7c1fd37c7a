using System.Net.Http.Json;
using Marketplace.Catalog.Compare;
using Marketplace.Catalog.Domain;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Compare;

public sealed class CompareTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    [Fact]
    public async Task Compare_puts_products_side_by_side_with_named_rows_and_flags_differences()
    {
        var category = await CatalogArrange.CategoryAsync(factory,
            new AttributeDefinition { Code = "screen", Name = "Screen size", Type = AttributeType.Number, Unit = "in" },
            new AttributeDefinition { Code = "color", Name = "Colour", Type = AttributeType.Text });
        var a = await CatalogArrange.ProductAsync(factory, category, "Phone A", new() { ["screen"] = "6.1", ["color"] = "black" });
        var b = await CatalogArrange.ProductAsync(factory, category, "Phone B", new() { ["screen"] = "6.7", ["color"] = "black", ["nfc"] = "true" });

        var table = await factory.CreateClient().GetFromJsonAsync<CompareResponse>($"/api/v1/products/compare?ids={b.Id}&ids={a.Id}");

        Assert.Equal([b.Id, a.Id], table!.Products.Select(p => p.ProductId));
        var screen = Assert.Single(table.Rows, r => r.Code == "screen");
        Assert.Equal("Screen size", screen.Name);
        Assert.Equal("in", screen.Unit);
        Assert.Equal(["6.7", "6.1"], screen.Values);
        Assert.Equal([ "true", null ], Assert.Single(table.Rows, r => r.Code == "nfc").Values);
        Assert.Contains("screen", table.Differing);
        Assert.DoesNotContain("color", table.Differing);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?ids=00000000-0000-0000-0000-000000000001")]
    [InlineData("?ids=00000000-0000-0000-0000-000000000001&ids=00000000-0000-0000-0000-000000000002")]
    public async Task Compare_refuses_fewer_than_two_or_unknown_products_naming_ids(string query)
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/products/compare{query}");
        await response.AssertValidationProblemAsync("ids");
    }

    [Fact]
    public async Task Compare_with_a_malformed_id_is_a_400_problem()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/products/compare?ids=abc&ids=def");
        await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
    }
}
