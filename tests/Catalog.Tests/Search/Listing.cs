using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.Search;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Search;

internal static class Listing
{
    public static async Task<ProductListResponse> ListAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/products?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/v1/products?{query} answered {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync<ProductListResponse>())!;
    }

    public static async Task<List<Guid>> IdsAsync(this HttpClient client, string query) =>
        (await client.ListAsync(query)).Items.Select(i => i.Id).ToList();

    /// <summary>Follows nextCursor until the last page; returns every row in order.</summary>
    public static async Task<List<ProductSummary>> WalkAsync(this HttpClient client, string query)
    {
        var all = new List<ProductSummary>();
        string? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await client.ListAsync(cursor is null ? query : $"{query}&cursor={Uri.EscapeDataString(cursor)}");
            all.AddRange(page.Items);
            cursor = page.NextCursor;
            if (cursor is null)
            {
                return all;
            }
        }

        throw new InvalidOperationException("More than 100 pages: the cursor does not advance.");
    }
}
