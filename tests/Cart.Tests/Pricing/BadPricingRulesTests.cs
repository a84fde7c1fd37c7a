using System.Net;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests.Pricing;

/// <summary>Bad pricing documents sent through the marketing API: each is a 400 naming the field, and nothing changes.</summary>
public sealed class BadPricingRulesTests(PricedCartFactory factory) : IClassFixture<PricedCartFactory>
{
    private const string Window = "\"window\": { \"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2027-01-01T00:00:00Z\" }";

    [Theory]
    [InlineData("unknown kind", """{ "discounts": [ { "id": "x", "name": "X", "kind": "halfPrice", "percent": 50 } ] }""", "discounts[0].kind")]
    [InlineData("percentage over 100", """{ "discounts": [ { "id": "x", "name": "X", "kind": "percentage", "percent": 101 } ] }""", "discounts[0].percent")]
    [InlineData("negative fixed amount", """{ "discounts": [ { "id": "x", "name": "X", "kind": "fixed", "amountOff": { "amount": -1, "currency": "EUR" } } ] }""", "discounts[0].amountOff")]
    [InlineData("window ending before it starts", """{ "discounts": [ { "id": "x", "name": "X", "kind": "percentage", "percent": 5, "window": { "from": "2026-06-01T00:00:00Z", "to": "2026-05-01T00:00:00Z" } } ] }""", "discounts[0].window")]
    [InlineData("a date that is not a date", """{ "discounts": [ { "id": "x", "name": "X", "kind": "percentage", "percent": 5, "window": { "from": "next tuesday" } } ] }""", "window")]
    [InlineData("overlapping exclusive rules", """{ "discounts": [ { "id": "a", "name": "A", "kind": "percentage", "percent": 5, "stacking": "exclusive", "priority": 3, __W__ }, { "id": "b", "name": "B", "kind": "percentage", "percent": 7, "stacking": "exclusive", "priority": 3, __W__ } ] }""", "discounts")]
    [InlineData("promo code rule without its code", """{ "discounts": [ { "id": "x", "name": "X", "kind": "percentage", "percent": 5, "promoCode": "NOPE" } ] }""", "discounts[0].promoCode")]
    public async Task A_bad_rule_document_is_a_400_naming_the_field_and_the_rules_in_force_stay(string problem, string document, string field)
    {
        var marketing = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        var before = await marketing.GetAsync("/api/v1/marketing/rules/pricing");
        var version = before.Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/marketing/rules/pricing")
        {
            Content = new StringContent(document.Replace("__W__", Window, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", version);

        var response = await marketing.SendAsync(request);

        await response.AssertValidationProblemAsync(field);
        var after = await marketing.GetAsync("/api/v1/marketing/rules/pricing");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.True(version == after.Headers.ETag!.ToString(), $"{problem}: the stored rules changed");
        Assert.Equal(await before.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
    }
}
