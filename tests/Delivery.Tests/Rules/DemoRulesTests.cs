using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Delivery.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Rules;

/// <summary>
/// The embedded profile with nothing configured reads the repository's config/runtime/delivery.json, as
/// <c>dotnet run --project api</c> does: the demo rules are in force and quote a Berlin address.
/// </summary>
public sealed class DemoRulesTests(EmbeddedMarketplaceFactory host) : IClassFixture<EmbeddedMarketplaceFactory>
{
    [Fact]
    public async Task The_demo_delivery_rules_are_in_force_on_the_embedded_profile()
    {
        var response = await host.CreateClient().GetAsync("/api/v1/delivery/services");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var services = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("services").EnumerateArray().Select(s => s.GetProperty("id").GetString());
        Assert.Equal(["courier-standard", "courier-express", "pickup-locker", "seller-van"], services);

        await using var scope = host.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDeliveryQuotes>().QuoteAsync(
            new DeliveryQuoteRequest("EUR", To("DE", "10115"), [new SellerShipment(Seller, [Item(1200, 300, 200, 100)])]), CancellationToken.None);
        var options = Assert.IsType<DeliveryQuoteOutcome.Quoted>(outcome).Quote.Sellers[0].Options;
        Assert.Equal(["pickup-locker", "seller-van", "courier-standard", "courier-express"], options.Select(o => o.OptionId));
    }
}
