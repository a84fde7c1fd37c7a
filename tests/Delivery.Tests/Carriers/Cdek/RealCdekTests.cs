using Marketplace.Delivery.Carriers.Cdek;
using Marketplace.Delivery.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Delivery.Tests.Carriers.Cdek;

/// <summary>The adapter against CDEK's own test server (https://api.edu.cdek.ru/v2), when its credentials are set.</summary>
public sealed class RealCdekTests
{
    [RequiresServerFact("CDEK_CLIENT_ID", "CDEK_CLIENT_SECRET")]
    public async Task The_real_CDEK_test_server_quotes_Moscow_to_Saint_Petersburg_and_lists_pickup_points()
    {
        await using var factory = new RealCdekFactory();
        await factory.InitializeAsync();
        using var scope = factory.Services.CreateScope();
        var cdek = scope.ServiceProvider.GetServices<IDeliveryCarrier>().Single(c => c.CarrierId == "cdek");
        var petersburg = new DeliveryAddress("RU", "190000", "Saint Petersburg", ["Nevsky prospekt 1"]);

        var quote = await cdek.QuoteAsync(new CarrierQuoteInput("RUB", petersburg, CdekFactory.Parcel(), DateTimeOffset.UtcNow), CancellationToken.None);
        var points = await cdek.PickupPointsAsync(petersburg, CancellationToken.None);

        Assert.NotEmpty(quote.Options);
        Assert.All(quote.Options, o => Assert.True(o.Price.Amount > 0));
        Assert.NotEmpty(points);
    }

    private sealed class RealCdekFactory : DeliveryTestFactory
    {
        public RealCdekFactory()
            : base(TestProfile.Production)
        {
            Settings[$"{CdekOptions.Section}:BaseUrl"] = Environment.GetEnvironmentVariable("CDEK_BASE_URL") ?? "https://api.edu.cdek.ru/v2";
            Settings[$"{CdekOptions.Section}:ClientId"] = Environment.GetEnvironmentVariable("CDEK_CLIENT_ID");
            Settings[$"{CdekOptions.Section}:ClientSecret"] = Environment.GetEnvironmentVariable("CDEK_CLIENT_SECRET");
            Settings[$"{CdekOptions.Section}:FromPostalCode"] = "101000";
            Settings[$"{CdekOptions.Section}:FromCity"] = "Moscow";
        }
    }
}
