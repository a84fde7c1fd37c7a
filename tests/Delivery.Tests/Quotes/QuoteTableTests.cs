using System.Globalization;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Quotes;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Quotes;

/// <summary>
/// The price side of quotes, as a table: each row is a seller group sent somewhere, and what every service of
/// <see cref="TestRules"/> answers, written "service price ×parcels" or "service Reason". Rates, by hand:
/// courier in Germany 5.00 to 1 kg, 8.00 to 5 kg, 12.00 to 20 kg, 2.00 per extra parcel; locker 3.00 to 2 kg, 6.00 to
/// 10 kg, 1.00 per extra parcel; the van only in Berlin, 7.00.
/// </summary>
public sealed class QuoteTableTests
{
    public static TheoryData<string, CarrierQuoteInput, string> Rows() => new()
    {
        // Zones
        { "a country zone", Input(To("DE", "80331"), TuesdayMorning, [Item(500)]), "courier 5.00 ×1 | locker 3.00 ×1 | van ZoneNotServed" },
        { "a postal range zone", Input(To("DE", "10115"), TuesdayMorning, [Item(500)]), "courier 5.00 ×1 | locker ZoneNotServed | van 7.00 ×1" },
        { "a postal range's last code", Input(To("DE", "14999"), TuesdayMorning, [Item(500)]), "courier 5.00 ×1 | locker ZoneNotServed | van 7.00 ×1" },
        { "just past a postal range", Input(To("DE", "15000"), TuesdayMorning, [Item(500)]), "courier 5.00 ×1 | locker 3.00 ×1 | van ZoneNotServed" },
        { "a postal prefix zone", Input(To("DE", "25980"), TuesdayMorning, [Item(500)]), "courier 20.00 ×1 | locker ZoneNotServed | van ZoneNotServed" },
        { "a postal code written with spaces and lower case", Input(To("de", " 259 80"), TuesdayMorning, [Item(500)]), "courier 20.00 ×1 | locker ZoneNotServed | van ZoneNotServed" },
        { "a second country of a zone", Input(To("NL", "1012 AB"), TuesdayMorning, [Item(500)]), "courier 10.00 ×1 | locker ZoneNotServed | van ZoneNotServed" },
        { "a country no zone holds", Input(To("US", "10001"), TuesdayMorning, [Item(500)]), "courier ZoneNotServed | locker ZoneNotServed | van ZoneNotServed" },

        // Weight bands, at their edges
        { "exactly the first band's weight", Input(To("DE", "80331"), TuesdayMorning, [Item(1000)]), "courier 5.00 ×1 | locker 3.00 ×1 | van ZoneNotServed" },
        { "one gram over the first band", Input(To("DE", "80331"), TuesdayMorning, [Item(1001)]), "courier 8.00 ×1 | locker 3.00 ×1 | van ZoneNotServed" },
        { "one gram over the locker's first band", Input(To("DE", "80331"), TuesdayMorning, [Item(2001)]), "courier 8.00 ×1 | locker 6.00 ×1 | van ZoneNotServed" },
        { "two lines in one parcel", Input(To("DE", "80331"), TuesdayMorning, [Item(600), Item(400)]), "courier 5.00 ×1 | locker 3.00 ×1 | van ZoneNotServed" },

        // Volumetric weight: 400×300×200 mm is 24,000 cm³, 4,800 g at 5,000 cm³/kg, against 300 g actual
        { "volumetric weight winning over actual", Input(To("DE", "80331"), TuesdayMorning, [Item(300, 400, 300, 200)]), "courier 8.00 ×1 | locker 6.00 ×1 | van ZoneNotServed" },
        { "actual weight winning over volumetric", Input(To("DE", "80331"), TuesdayMorning, [Item(4900, 100, 100, 100)]), "courier 8.00 ×1 | locker 6.00 ×1 | van ZoneNotServed" },

        // Parcels: three 8 kg units make two courier parcels (16 kg + 8 kg) and three locker parcels
        { "units split into parcels, with the extra-parcel surcharge", Input(To("DE", "80331"), TuesdayMorning, [Item(8000, quantity: 3)]), "courier 26.00 ×2 | locker 20.00 ×3 | van ZoneNotServed" },
        { "heaviest units first, the light one filling a gap", Input(To("DE", "80331"), TuesdayMorning, [Item(500), Item(15_000), Item(6000)]), "courier 26.00 ×2 | locker TooHeavy | van ZoneNotServed" },

        // Limits
        { "a unit heavier than any parcel", Input(To("DE", "10115"), TuesdayMorning, [Item(25_000)]), "courier TooHeavy | locker ZoneNotServed | van 7.00 ×1" },
        { "a unit longer than the courier takes", Input(To("DE", "80331"), TuesdayMorning, [Item(1000, 1100, 100, 100)]), "courier TooBig | locker TooBig | van ZoneNotServed" },
        { "a unit over the courier's length plus girth", Input(To("DE", "80331"), TuesdayMorning, [Item(1000, 900, 500, 500)]), "courier TooBig | locker TooBig | van ZoneNotServed" },
        { "a unit over the locker's sum of sides only", Input(To("DE", "80331"), TuesdayMorning, [Item(1000, 500, 400, 400)]), "courier 12.00 ×1 | locker TooBig | van ZoneNotServed" },
        { "a bulky unit whose volumetric weight passes every band", Input(To("DE", "10115"), TuesdayMorning, [Item(5000, 2000, 1000, 600)]), "courier TooBig | locker ZoneNotServed | van TooHeavy" },

        // Free delivery from pricing: free for the services that take it, with the reason; the van does not
        { "free delivery", Input(To("DE", "10115"), TuesdayMorning, [Item(500)], new FreeDeliveryGrant("free-50", "Free from 50.00")), "courier 0.00 ×1 free-50 | locker ZoneNotServed | van 7.00 ×1" },

        // Currency
        { "a cart in another currency", Input(To("DE", "80331"), TuesdayMorning, [Item(500)], currency: "USD"), "courier CurrencyNotPriced | locker CurrencyNotPriced | van CurrencyNotPriced" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_seller_group_is_priced_by_zone_band_volumetric_weight_parcels_and_free_delivery(string row, CarrierQuoteInput input, string expected)
    {
        var quote = RulesQuoting.Quote(TestRules.Rules, input, "rules");

        Assert.True(expected == Render(quote), $"{row}: expected {expected}, got {Render(quote)}");
        Assert.All(quote.Options, o => Assert.Equal("EUR", o.Price.Currency));
    }

    [Fact]
    public void A_free_option_keeps_its_regular_price_and_says_which_pricing_rule_made_it_free()
    {
        var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), TuesdayMorning, [Item(1500)], new FreeDeliveryGrant("free-50", "Free from 50.00")), "rules");

        var courier = Assert.Single(quote.Options, o => o.ServiceId == "courier");
        Assert.Equal(TestRules.Eur(0m), courier.Price);
        Assert.Equal(TestRules.Eur(8m), courier.RegularPrice);
        Assert.Equal(new FreeDeliveryGrant("free-50", "Free from 50.00"), courier.FreeDelivery);
    }

    [Fact]
    public void A_refused_service_names_the_sku_and_the_limit_it_breaks()
    {
        var sku = Guid.NewGuid();
        var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), TuesdayMorning, [Item(25_000, sku: sku)]), "rules");

        var courier = Assert.Single(quote.Unavailable, u => u.ServiceId == "courier");
        Assert.Equal(UnavailableReason.TooHeavy, courier.Reason);
        Assert.Contains(sku.ToString(), courier.Detail, StringComparison.Ordinal);
        Assert.Contains("20000 g", courier.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_come_cheapest_first_and_a_volumetric_chargeable_weight_is_reported()
    {
        var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "80331"), TuesdayMorning, [Item(300, 400, 300, 200)]), "rules");

        Assert.Equal(["locker", "courier"], quote.Options.Select(o => o.ServiceId));
        Assert.Equal(4800, quote.Options[1].ChargeableWeightGrams);
    }

    private static string Render(CarrierQuote quote) => string.Join(" | ", quote.Options
        .Select(o => (o.ServiceId, Text: string.Create(CultureInfo.InvariantCulture, $"{o.ServiceId} {o.Price.Amount:0.00} ×{o.Parcels}{(o.FreeDelivery is null ? "" : " " + o.FreeDelivery.RuleId)}")))
        .Concat(quote.Unavailable.Select(u => (u.ServiceId, Text: $"{u.ServiceId} {u.Reason}")))
        .OrderBy(x => x.ServiceId, StringComparer.Ordinal)
        .Select(x => x.Text));
}
