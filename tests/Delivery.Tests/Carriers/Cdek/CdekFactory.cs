using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Delivery.Tests.Carriers.Cdek;

/// <summary>
/// The real host (PostgreSQL) with the CDEK carrier configured against a <see cref="CdekDouble"/>, and rules that add a
/// Russian zone where CDEK quotes beside the rules' own courier. Timings are short so that failures show quickly.
/// </summary>
public class CdekFactory : DeliveryTestFactory
{
    public static readonly Guid Seller = Guid.Parse("0c0c0c0c-0000-4000-8000-000000000001");

    public CdekFactory()
        : base(TestProfile.Production)
    {
        Settings["Delivery:Carriers:Cdek:ClientId"] = CdekDouble.ClientId;
        Settings["Delivery:Carriers:Cdek:ClientSecret"] = CdekDouble.ClientSecret;
        Settings["Delivery:Carriers:Cdek:FromPostalCode"] = "101000";
        Settings["Delivery:Carriers:Cdek:FromCity"] = "Moscow";
        Settings["Delivery:Carriers:Cdek:SenderPhone"] = "+74950000000";
        Settings["Delivery:Carriers:Cdek:Timeout"] = "00:00:01";
        Settings["Delivery:Carriers:Cdek:TotalTimeout"] = "00:00:05";
        Settings["Delivery:Carriers:Cdek:RetryDelay"] = "00:00:00.050";
        Settings["Delivery:Carriers:Cdek:MaxRetries"] = "2";
        Settings["Delivery:Carriers:Cdek:PollInterval"] = "00:00:00.050";
        Settings["Delivery:Carriers:Cdek:OrderDeadline"] = "00:00:10";
        Settings["Delivery:Carriers:Cdek:BreakerMinimumThroughput"] = "1000";
        WriteRules(TestRules.Document(RulesWithRussia));
    }

    /// <summary>The test rules plus zone <c>ru</c> (CDEK enabled), priced by the rules' courier too.</summary>
    internal static DeliveryRules RulesWithRussia { get; } = TestRules.Rules with
    {
        Zones = [.. TestRules.Rules.Zones, new DeliveryZone { Id = "ru", Name = "Russia", Countries = ["RU"], Carriers = [KnownCarriers.Cdek] }],
        Rates =
        [
            .. TestRules.Rules.Rates,
            new ZoneRate
            {
                Zone = "ru", Service = "courier", TransitDays = new TransitDays { Min = 3, Max = 6 },
                Bands = [new WeightBand { UpToGrams = 20_000, Price = TestRules.Eur(25m) }],
            },
        ],
    };

    public static DeliveryAddress Moscow { get; } = new("RU", "119019", "Moscow", ["Arbat 1"]);

    public CdekDouble Cdek { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Cdek = await CdekDouble.StartNewAsync();
        Settings["Delivery:Carriers:Cdek:BaseUrl"] = Cdek.BaseUrl.ToString();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Cdek is not null)
        {
            await Cdek.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public static SellerShipment Parcel(int grams = 800) =>
        new(Seller, [new DeliveryItem(Guid.Parse("5c5c5c5c-0000-4000-8000-000000000001"), 1, grams, 200, 150, 100, 1)]);

    public static ShipmentRequest Shipment(string orderReference, string serviceId = "137", string? pickupPoint = null) =>
        new(orderReference, Seller, serviceId, Moscow, Parcel().Items, new ShipmentRecipient("Ivan Petrov", "+79001234567"), pickupPoint);

    /// <summary>Runs <paramref name="use"/> with the CDEK carrier of a fresh scope, as a request would get it.</summary>
    public async Task<T> WithCarrierAsync<T>(Func<IDeliveryCarrier, Task<T>> use)
    {
        using var scope = Services.CreateScope();
        return await use(scope.ServiceProvider.GetServices<IDeliveryCarrier>().Single(c => c.CarrierId == KnownCarriers.Cdek));
    }

    public async Task<DeliveryQuote> QuoteAsync(DeliveryAddress destination)
    {
        using var scope = Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDeliveryQuotes>()
            .QuoteAsync(new DeliveryQuoteRequest("EUR", destination, [Parcel()]), CancellationToken.None);
        return Assert.IsType<DeliveryQuoteOutcome.Quoted>(outcome).Quote;
    }
}

/// <summary>As <see cref="CdekFactory"/>, with a breaker that opens after four failing calls and stays open a minute.</summary>
public sealed class CdekBreakerFactory : CdekFactory
{
    public CdekBreakerFactory()
    {
        Settings["Delivery:Carriers:Cdek:BreakerMinimumThroughput"] = "4";
        Settings["Delivery:Carriers:Cdek:BreakerFailureRatio"] = "0.5";
        Settings["Delivery:Carriers:Cdek:BreakDuration"] = "00:01:00";
        Settings["Delivery:Carriers:Cdek:MaxRetries"] = "1";
    }
}
