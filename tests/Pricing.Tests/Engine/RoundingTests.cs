using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

public sealed class RoundingTests
{
    public static TheoryData<string, DiscountRule, PricingLine[], decimal[]> Cases() => new()
    {
        {
            "EUR: a percentage rounds half away from zero to the cent",
            Percent("p15", 15m),
            [Line("socks", 3.33m, 3)],
            [8.49m]
        },
        {
            "JPY: a percentage rounds to the whole yen, which has no minor unit",
            Percent("p15", 15m),
            [Line("socks", 1999m, 1, "JPY")],
            [1699m]
        },
        {
            "KWD: three decimals",
            Percent("p10", 10m),
            [Line("socks", 1.255m, 1, "KWD")],
            [1.129m]
        },
        {
            "JPY: a fixed order discount is spread in whole yen, the odd yen to the earliest line",
            new DiscountRule { Id = "100-off", Name = "100 yen off over 300", Kind = DiscountKinds.CartThreshold, AmountOff = new(100m, "JPY"), Threshold = new(300m, "JPY") },
            [Line("a", 500m, 1, "JPY"), Line("b", 500m, 1, "JPY"), Line("c", 500m, 1, "JPY")],
            [466m, 467m, 467m]
        },
        {
            "EUR: the odd cent of a spread goes to the line with the largest remainder",
            new DiscountRule { Id = "1-off", Name = "1 off over 1", Kind = DiscountKinds.CartThreshold, AmountOff = Eur(1m), Threshold = Eur(1m) },
            [Line("a", 1m), Line("b", 2m)],
            [0.67m, 1.33m]
        },
        {
            "JPY: a bundle price spread over unequal lines still adds up",
            new DiscountRule
            {
                Id = "kit", Name = "kit for 900 yen", Kind = DiscountKinds.Bundle, BundlePrice = new(900m, "JPY"),
                Items = [new BundleItem { Sku = Sku("a") }, new BundleItem { Sku = Sku("b") }, new BundleItem { Sku = Sku("c") }],
            },
            [Line("a", 333m, 1, "JPY"), Line("b", 333m, 1, "JPY"), Line("c", 334m, 1, "JPY") with { Quantity = 2 }],
            [300m, 300m, 634m]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Amounts_round_per_currency_and_lines_add_up_to_the_total(string behaviour, DiscountRule rule, PricingLine[] lines, decimal[] expected)
    {
        var currency = lines[0].UnitListPrice.Currency;
        var priced = Price(Cart(currency, lines), RuleSet(rule));

        Assert.True(expected.SequenceEqual(LineTotals(priced)), $"{behaviour}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", LineTotals(priced))}]");
        Assert.Equal(priced.Lines.Sum(l => l.Total.Amount), priced.Total.Amount);
        Assert.Equal(currency, priced.Total.Currency);
    }

    [Fact]
    public void A_yen_threshold_reason_prints_no_decimals()
    {
        var rule = new DiscountRule { Id = "over-5000", Name = "10% over 5,000 yen", Kind = DiscountKinds.CartThreshold, Percent = 10m, Threshold = new(5000m, "JPY") };

        var priced = Price(Cart("JPY", Line("tea", 3200m, 1, "JPY")), RuleSet(rule));

        Assert.Equal("threshold not met: 3,200 of 5,000", ReasonFor(priced, "over-5000"));
    }
}
