using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests;

public sealed class OpenApiTests(EmbeddedMarketplaceFactory factory) : IClassFixture<EmbeddedMarketplaceFactory>
{
    [Fact]
    public async Task Every_operation_is_named_summarised_and_tagged()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var missing = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var op = operation.Value;
                if (!op.TryGetProperty("operationId", out _) || !op.TryGetProperty("summary", out _) || !op.TryGetProperty("tags", out _))
                {
                    missing.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                }
            }
        }

        Assert.True(missing.Count == 0, $"Operations without a name, summary or tag: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Browse_and_search_document_their_query_parameters()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var parameters = document.GetProperty("paths").GetProperty("/api/v1/products").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();

        Assert.Subset(parameters.ToHashSet(), new HashSet<string?> { "q", "category", "brand", "minPrice", "maxPrice", "inStock", "attr.{code}", "sort", "limit", "pageSize", "cursor" });
        var pageSize = document.GetProperty("paths").GetProperty("/api/v1/products").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "pageSize");
        Assert.True(pageSize.GetProperty("deprecated").GetBoolean());
    }

    [Theory]
    [InlineData("/api/v1/products/{productId}/reviews")]
    [InlineData("/api/v1/sellers/{sellerId}/offers")]
    [InlineData("/api/v1/marketing/rules/audit")]
    public async Task Every_paged_list_documents_limit_and_cursor(string path)
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var parameters = document.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("parameters")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);

        Assert.Equal("integer", parameters["limit"].GetProperty("schema").GetProperty("type").GetString());
        Assert.True(parameters.ContainsKey("cursor"));
    }

    [Theory]
    [InlineData("/api/v1/sellers/{sellerId}/offers:bulk")]
    [InlineData("/api/v1/sellers/{sellerId}/products:bulk")]
    public async Task Bulk_endpoints_document_their_json_lines_and_csv_bodies(string path)
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var body = document.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody");

        var types = body.GetProperty("content").EnumerateObject().Select(c => c.Name).ToList();
        Assert.Contains("application/x-ndjson", types);
        Assert.Contains("text/csv", types);
        Assert.True(body.GetProperty("required").GetBoolean());
    }
}
