using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Delivery.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Rules;

/// <summary>
/// The section "delivery" through the marketing rules API, as for "pricing": a bad document is a 400 naming the field
/// and the rules in force stay, in the store and in the quotes; a good one is in force when the answer arrives.
/// </summary>
public sealed class DeliveryRulesApiTests(DeliveryRulesApiFactory host) : IClassFixture<DeliveryRulesApiFactory>
{
    [Theory]
    [InlineData("an unknown service kind", """{ "services": [ { "id": "c", "name": "C", "kind": "Drone", "maxParcelWeightGrams": 1000, "maxLongestSideMm": 1000 } ] }""", "services[0].kind")]
    [InlineData("a time that is not a time", """{ "cutOff": { "time": "two o'clock", "timeZone": "Europe/Berlin" } }""", "cutOff.time")]
    [InlineData("an unknown time zone", """{ "cutOff": { "time": "14:00", "timeZone": "Berlin" } }""", "cutOff.timeZone")]
    [InlineData("a zone hidden by an earlier one", """{ "zones": [ { "id": "de", "name": "Germany", "countries": ["DE"] }, { "id": "berlin", "name": "Berlin", "countries": ["DE"], "postalCodes": [ { "prefix": "10" } ] } ] }""", "zones[1].countries[0]")]
    [InlineData("bands that do not go up", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ __B__, __B__ ], "transitDays": __T__ } ] }""", "rates[0].bands[1].upToGrams")]
    [InlineData("a negative band price", """{ "zones": [ __Z__ ], "services": [ __S__ ], "rates": [ { "zone": "de", "service": "courier", "bands": [ { "upToGrams": 1000, "price": { "amount": -5, "currency": "EUR" } } ], "transitDays": __T__ } ] }""", "rates[0].bands[0].price.amount")]
    public async Task A_bad_delivery_document_is_a_400_naming_the_field_and_the_last_good_rules_stay(string problem, string document, string field)
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var before = await marketing.GetAsync("/api/v1/marketing/rules/delivery");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var version = before.Headers.ETag!.ToString();

        var response = await PutAsync(marketing, DeliveryRulesValidatorTests.Expand(document), version);

        await response.AssertValidationProblemAsync(field);
        var after = await marketing.GetAsync("/api/v1/marketing/rules/delivery");
        Assert.True(version == after.Headers.ETag!.ToString(), $"{problem}: the stored rules changed");
        Assert.Equal(await before.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
        Assert.Equal(TestRules.Eur(5m), await CourierPriceAsync());
    }

    [Fact]
    public async Task A_good_delivery_document_applied_through_the_api_prices_the_next_quote()
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var version = (await marketing.GetAsync("/api/v1/marketing/rules/delivery")).Headers.ETag!.ToString();
        var cheaper = TestRules.Rules with
        {
            Rates = [.. TestRules.Rules.Rates.Select(r => r.Zone == "de" && r.Service == "courier" ? r with { Bands = [new Delivery.Rules.WeightBand { UpToGrams = 20_000, Price = TestRules.Eur(3.5m) }] } : r)],
        };

        var applied = await PutAsync(marketing, TestRules.Document(cheaper), version);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(TestRules.Eur(3.5m), await CourierPriceAsync());
        var restored = await PutAsync(marketing, TestRules.Document(), applied.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    [Fact]
    public async Task The_delivery_services_route_lists_the_services_in_force_to_anyone()
    {
        var response = await host.CreateClient().GetAsync("/api/v1/delivery/services");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        var courier = body.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "courier");
        Assert.Equal("CourierToDoor", courier.GetProperty("kind").GetString());
        Assert.Equal(["berlin", "sylt", "de", "near"], courier.GetProperty("zones").EnumerateArray().Select(z => z.GetProperty("id").GetString()));
        var berlin = courier.GetProperty("zones")[0];
        Assert.True(berlin.GetProperty("limitedToPostalCodes").GetBoolean());
        Assert.Equal(5m, berlin.GetProperty("fromPrice").GetProperty("amount").GetDecimal());
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string document, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/marketing/rules/delivery")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    /// <summary>The courier's price for 500 g to Munich in a quote made now: 5.00 under <see cref="TestRules"/>.</summary>
    private async Task<Platform.Money> CourierPriceAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDeliveryQuotes>().QuoteAsync(
            new DeliveryQuoteRequest("EUR", To("DE", "80331"), [new SellerShipment(Seller, [Item(500)])]), CancellationToken.None);
        return Assert.IsType<DeliveryQuoteOutcome.Quoted>(outcome).Quote.Sellers[0].Options.Single(o => o.OptionId == "courier").Price;
    }
}
