using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Marketplace.Platform;

namespace Marketplace.Delivery.Tests;

/// <summary>
/// A small rule set whose every number a test can check by hand: Berlin by postal range, Sylt by postal prefix, the
/// rest of Germany by country, and Austria and the Netherlands; a courier, a parcel locker, and the seller's van.
/// Cut-off 14:00 Europe/Berlin; holidays 25 and 26 December 2026 and 1 January 2027.
/// </summary>
internal static class TestRules
{
    public static readonly Guid EarlySeller = Guid.Parse("0a0a0a0a-0000-4000-8000-000000000001");

    /// <summary>Documents are read as the Config module reads them: web defaults, enums as names only.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static Money Eur(decimal amount) => Money.Of(amount, "EUR");

    public static DeliveryRules Rules { get; } = new()
    {
        Currency = "EUR",
        CutOff = new CutOffRule { Time = new TimeOnly(14, 0), TimeZone = "Europe/Berlin" },
        SellerCutOffs = [new SellerCutOff { SellerId = EarlySeller, Time = new TimeOnly(12, 0) }],
        Holidays = [new DateOnly(2026, 12, 25), new DateOnly(2026, 12, 26), new DateOnly(2027, 1, 1)],
        Zones =
        [
            new DeliveryZone { Id = "berlin", Name = "Berlin", Countries = ["DE"], PostalCodes = [new PostalCodeMatch { From = "10000", To = "14999" }] },
            new DeliveryZone { Id = "sylt", Name = "Sylt", Countries = ["DE"], PostalCodes = [new PostalCodeMatch { Prefix = "259" }] },
            new DeliveryZone { Id = "de", Name = "Germany", Countries = ["DE"] },
            new DeliveryZone { Id = "near", Name = "Neighbours", Countries = ["AT", "NL"] },
        ],
        Services =
        [
            new CarrierService
            {
                Id = "courier", Name = "Courier", Kind = DeliveryServiceKind.CourierToDoor, VolumetricDivisor = 5000, MaxParcelWeightGrams = 20_000,
                MaxLongestSideMm = 1000, MaxLengthPlusGirthMm = 2500, ExtraParcelSurcharge = Eur(2m),
            },
            new CarrierService
            {
                Id = "locker", Name = "Locker", Kind = DeliveryServiceKind.PickupPoint, VolumetricDivisor = 5000, MaxParcelWeightGrams = 10_000,
                MaxLongestSideMm = 600, MaxSumOfSidesMm = 1200, ExtraParcelSurcharge = Eur(1m),
            },
            new CarrierService
            {
                Id = "van", Name = "Seller's van", Kind = DeliveryServiceKind.SellerOwnDelivery, VolumetricDivisor = 5000, MaxParcelWeightGrams = 50_000,
                MaxLongestSideMm = 2000, FreeDeliveryEligible = false,
            },
        ],
        Rates =
        [
            Rate("de", "courier", 1, 2, (1000, 5m), (5000, 8m), (20_000, 12m)),
            Rate("berlin", "courier", 1, 1, (1000, 5m), (5000, 8m), (20_000, 12m)),
            Rate("sylt", "courier", 2, 4, (20_000, 20m)),
            Rate("near", "courier", 2, 3, (1000, 10m), (20_000, 20m)),
            Rate("de", "locker", 1, 3, (2000, 3m), (10_000, 6m)),
            Rate("berlin", "van", 0, 1, (50_000, 7m)),
        ],
    };

    /// <summary>The rules as the JSON document an operator would write.</summary>
    public static string Document(DeliveryRules? rules = null) => JsonSerializer.Serialize(rules ?? Rules, Json);

    private static ZoneRate Rate(string zone, string service, int minDays, int maxDays, params (int UpTo, decimal Price)[] bands) => new()
    {
        Zone = zone,
        Service = service,
        TransitDays = new TransitDays { Min = minDays, Max = maxDays },
        Bands = [.. bands.Select(b => new WeightBand { UpToGrams = b.UpTo, Price = Eur(b.Price) })],
    };
}

/// <summary>Arrangement shorthands for quote inputs.</summary>
internal static class Shipments
{
    public static readonly Guid Seller = Guid.Parse("0b0b0b0b-0000-4000-8000-000000000002");

    public static DeliveryAddress To(string country, string postalCode) => new(country, postalCode, "Town", ["Street 1"]);

    public static DeliveryItem Item(int grams, int length = 100, int width = 100, int height = 100, int quantity = 1, int dispatchDays = 0, Guid? sku = null) =>
        new(sku ?? Guid.NewGuid(), quantity, grams, length, width, height, dispatchDays);

    public static CarrierQuoteInput Input(DeliveryAddress to, DateTimeOffset now, IReadOnlyList<DeliveryItem> items, FreeDeliveryGrant? free = null, string currency = "EUR", Guid? seller = null) =>
        new(currency, to, new SellerShipment(seller ?? Seller, items, free), now);

    /// <summary>Tuesday 8 December 2026, 10:00 in Berlin: a working day, before the cut-off.</summary>
    public static readonly DateTimeOffset TuesdayMorning = new(2026, 12, 8, 10, 0, 0, TimeSpan.FromHours(1));
}
