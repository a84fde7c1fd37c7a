using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// A <c>linear</c> decay scores as the reference documents it: with s = scale / (1 - decay), a document at distance
    /// d from the origin scores max(0, (s - d) / s); a <c>weight</c> function with a filter applies to the documents the
    /// filter matches, and a document no function matches keeps a factor of 1.
    /// </summary>
    [Fact]
    public async Task Linear_decay_and_filtered_weights_score_as_elasticsearch_documents_them()
    {
        await using var es = await ElasticsearchDouble.StartNewAsync();
        using var http = new HttpClient { BaseAddress = new Uri(es.Address) };
        (await http.PutAsync("/scores", new StringContent("""{"mappings":{"properties":{"id":{"type":"keyword"},"x":{"type":"double"}}}}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        foreach (var (id, x) in new[] { ("a", 0.0), ("b", 10.0), ("c", 30.0), ("d", 15.0) })
        {
            es.Put("scores", id, new JsonObject { ["id"] = id, ["x"] = x }, version: 1);
        }

        var response = await http.PostAsync("/scores/_search", new StringContent("""
            {"query":{"function_score":{"query":{"match_all":{}},"functions":[
              {"filter":{"range":{"x":{"lt":12}}},"linear":{"x":{"origin":10,"scale":10,"decay":0.5}}},
              {"filter":{"range":{"x":{"gte":25}}},"weight":0.25}
            ],"score_mode":"multiply","boost_mode":"multiply"}},"sort":[{"_score":"desc"},{"id":"asc"}]}
            """, Encoding.UTF8, "application/json"));

        response.EnsureSuccessStatusCode();
        var hits = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("hits").GetProperty("hits");
        var scores = hits.EnumerateArray().ToDictionary(h => h.GetProperty("_id").GetString()!, h => h.GetProperty("_score").GetDouble());
        Assert.Equal(1.0, scores["b"], 9);    // at the origin
        Assert.Equal(0.5, scores["a"], 9);    // (20 - 10) / 20
        Assert.Equal(0.25, scores["c"], 9);   // the weight alone
        Assert.Equal(1.0, scores["d"], 9);    // no function applies
    }
}
