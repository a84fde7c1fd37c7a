using System.Net;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Search.Elasticsearch;

/// <summary>The double is strict: what it does not understand is a 400 the adapter's tests would see, never a silent match.</summary>
public sealed class ElasticsearchDoubleTests
{
    [Theory]
    [InlineData("""{"query":{"match":{"title":"phone"}}}""", "unknown query [match]")]
    [InlineData("""{"query":{"bool":{"filter":[],"shoud":[]}}}""", "[bool] query does not support [shoud]")]
    [InlineData("""{"query":{"match_all":{}},"highlight":{}}""", "[search] query does not support [highlight]")]
    [InlineData("""{"sort":[{"id":"desc"}],"search_after":[1,"a"]}""", "search_after has 2 value(s) but sort has 1.")]
    public async Task A_request_shape_the_double_does_not_know_is_a_400_parsing_exception(string body, string reason)
    {
        await using var es = await ElasticsearchDouble.StartNewAsync();
        using var http = new HttpClient { BaseAddress = new Uri(es.Address) };
        (await http.PutAsync("/products", new StringContent("""{"mappings":{"properties":{"id":{"type":"keyword"}}}}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var response = await http.PostAsync("/products/_search", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Elasticsearch", response.Headers.GetValues("X-Elastic-Product").Single());
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("parsing_exception", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(reason, error.GetProperty("error").GetProperty("root_cause")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_unknown_index_is_a_404_index_not_found_exception()
    {
        await using var es = await ElasticsearchDouble.StartNewAsync();
        using var http = new HttpClient { BaseAddress = new Uri(es.Address) };

        var response = await http.PostAsync("/nothing/_search", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("index_not_found_exception", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
