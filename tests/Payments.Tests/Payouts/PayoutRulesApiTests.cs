using System.Net;
using System.Text;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>The section "payouts" through the marketing rules API, as for "pricing", "delivery" and "fulfilment".</summary>
public sealed class PayoutRulesApiTests(PayoutsHost host) : IClassFixture<PayoutsHost>
{
    private const string Section = "/api/v1/marketing/rules/payouts";

    [Theory]
    [InlineData("""{ "protectionWindow": "-1.00:00:00" }""", "protectionWindow")]
    [InlineData("""{ "protectionWindow": "400.00:00:00" }""", "protectionWindow")]
    [InlineData("""{ "commission": { "defaultPercent": 120 } }""", "commission.defaultPercent")]
    [InlineData("""{ "commission": { "defaultPercent": 10, "categories": [ { "categoryId": "00000000-0000-0000-0000-000000000000", "percent": 5 } ] } }""", "commission.categories[0].categoryId")]
    [InlineData("""{ "commission": { "defaultPercent": 10, "sellers": [ { "sellerId": "0b0b0b0b-0000-4000-8000-000000000002", "percent": -1 } ] } }""", "commission.sellers[0].percent")]
    [InlineData("""{ "commission": { "defaultPercent": 10, "sellers": [ { "sellerId": "0b0b0b0b-0000-4000-8000-000000000002", "percent": 1 }, { "sellerId": "0b0b0b0b-0000-4000-8000-000000000002", "percent": 2 } ] } }""", "commission.sellers[1].sellerId")]
    [InlineData("""{ "commission": { "defaultPercent": 10, "minimumPerOrder": [ { "currency": "XXX", "amount": 1 } ] } }""", "commission.minimumPerOrder[0].currency")]
    [InlineData("""{ "commission": { "defaultPercent": 10, "minimumPerOrder": [ { "currency": "EUR", "amount": 0.505 } ] } }""", "commission.minimumPerOrder[0].amount")]
    [InlineData("""{ "schedule": { "runInterval": "00:00:00", "batchSize": 10 } }""", "schedule.runInterval")]
    [InlineData("""{ "schedule": { "runInterval": "00:05:00", "batchSize": 0 } }""", "schedule.batchSize")]
    public async Task A_bad_payouts_document_is_a_400_naming_the_field_and_the_rules_in_force_stay(string document, string field)
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var before = await marketing.GetAsync(Section);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var response = await PutAsync(marketing, document, before.Headers.ETag!.ToString());

        await response.AssertValidationProblemAsync(field);
        var after = await marketing.GetAsync(Section);
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(await before.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_good_payouts_document_is_applied_audited_and_read_back()
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var before = await marketing.GetAsync(Section);
        var changed = PayoutsHost.CommissionRules.Replace("\"defaultPercent\": 10", "\"defaultPercent\": 12.5", StringComparison.Ordinal);

        var applied = await PutAsync(marketing, changed, before.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Contains("12.5", await (await marketing.GetAsync(Section)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("payouts", await (await marketing.GetAsync("/api/v1/marketing/rules/audit")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var restored = await PutAsync(marketing, PayoutsHost.CommissionRules, applied.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string document, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Section)
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }
}
