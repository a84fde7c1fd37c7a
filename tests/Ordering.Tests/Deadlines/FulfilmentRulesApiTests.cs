using System.Net;
using System.Text;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>The section "fulfilment" through the marketing rules API, as for "pricing" and "delivery".</summary>
public sealed class FulfilmentRulesApiTests(DeadlinesHost host) : IClassFixture<DeadlinesHost>
{
    private const string Good = """
        {
          "acceptWithin": "12:00:00", "shipCutOff": { "time": "16:00", "timeZone": "Europe/Berlin" }, "shipGrace": "01:00:00",
          "deliveryGrace": "1.00:00:00", "performanceWindow": "30.00:00:00", "sweepInterval": "00:00:05", "sweepBatchSize": 200
        }
        """;

    [Theory]
    [InlineData("""{ "acceptWithin": "-01:00:00" }""", "acceptWithin")]
    [InlineData("""{ "acceptWithin": "00:00:00" }""", "acceptWithin")]
    [InlineData("""{ "shipCutOff": { "time": "18:00", "timeZone": "Berlin" } }""", "shipCutOff.timeZone")]
    [InlineData("""{ "shipCutOff": { "time": "six", "timeZone": "Europe/Berlin" } }""", "shipCutOff.time")]
    [InlineData("""{ "shipGrace": "-00:10:00" }""", "shipGrace")]
    [InlineData("""{ "sweepInterval": "00:05:00" }""", "sweepInterval")]
    [InlineData("""{ "sweepBatchSize": 0 }""", "sweepBatchSize")]
    [InlineData("""{ "performanceWindow": "90.00:00:00" }""", "performanceWindow")]
    public async Task A_bad_fulfilment_document_is_a_400_naming_the_field_and_the_rules_in_force_stay(string document, string field)
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var before = await marketing.GetAsync("/api/v1/marketing/rules/fulfilment");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var response = await PutAsync(marketing, document, before.Headers.ETag!.ToString());

        await response.AssertValidationProblemAsync(field);
        var after = await marketing.GetAsync("/api/v1/marketing/rules/fulfilment");
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(await before.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_good_fulfilment_document_is_applied_and_read_back()
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var original = await File.ReadAllTextAsync(Path.Combine(host.RulesDirectory, "fulfilment.json"));
        var before = await marketing.GetAsync("/api/v1/marketing/rules/fulfilment");

        var applied = await PutAsync(marketing, Good, before.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Contains("16:00", await (await marketing.GetAsync("/api/v1/marketing/rules/fulfilment")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var restored = await PutAsync(marketing, original, applied.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string document, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/marketing/rules/fulfilment")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }
}
