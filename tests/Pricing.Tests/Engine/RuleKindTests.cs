using Marketplace.Platform;
using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

public sealed class RuleKindTests
{
    public static TheoryData<string, DiscountRule, PricingLine[], decimal[]> Cases() => new()
    {
        {
            "a percentage on a category reaches its subcategories and nothing else",
            Percent("shoes", 10m, new DiscountScope { Categories = [Shoes] }),
            [Line("boots", 100m, 2), Hat(20m)],
            [180m, 20m]
        },
        {
            "a percentage on a SKU",
            Percent("boots", 25m, new DiscountScope { Skus = [Sku("boots")] }),
            [Line("boots", 100m), Line("sandals", 40m)],
            [75m, 40m]
        },
        {
            "a percentage on a product",
            Percent("sandals", 50m, new DiscountScope { Products = [Product("sandals")] }),
            [Line("boots", 100m), Line("sandals", 40m)],
            [100m, 20m]
        },
        {
            "a percentage on a brand skips lines of other brands and lines with no brand",
            Percent("acme", 10m, new DiscountScope { Brands = [Acme] }),
            [Line("boots", 100m), Hat(20m), Line("plain", 10m) with { BrandId = null }],
            [90m, 20m, 10m]
        },
        {
            "a percentage on a seller",
            Percent("seller-b", 10m, new DiscountScope { Sellers = [SellerB] }),
            [Line("boots", 100m), Hat(20m)],
            [100m, 18m]
        },
        {
            "a scope with two dimensions needs both",
            Percent("acme-hats", 50m, new DiscountScope { Brands = [Acme], Categories = [Accessories] }),
            [Line("boots", 100m), Hat(20m), Hat(30m) with { LineId = LineOf("acme-hat"), BrandId = Acme }],
            [100m, 20m, 15m]
        },
        {
            "a fixed amount comes off each unit",
            FixedOff("five-off", 5m),
            [Line("boots", 100m, 2)],
            [190m]
        },
        {
            "a fixed amount larger than the price leaves the line at zero, not below",
            FixedOff("five-off", 5m),
            [Line("socks", 3m)],
            [0m]
        },
        {
            "a cart threshold takes its percentage off every line once the order reaches it",
            new DiscountRule { Id = "over-150", Name = "10% over 150", Kind = DiscountKinds.CartThreshold, Percent = 10m, Threshold = Eur(150m) },
            [Line("boots", 100m, 2), Hat(20m)],
            [180m, 18m]
        },
        {
            "a fixed cart-threshold discount is spread over the lines by largest remainder",
            new DiscountRule { Id = "ten-off-30", Name = "10 off over 30", Kind = DiscountKinds.CartThreshold, AmountOff = Eur(10m), Threshold = Eur(30m) },
            [Line("a", 10m), Line("b", 10m), Line("c", 10m)],
            [6.66m, 6.67m, 6.67m]
        },
        {
            "a cart threshold that is not reached changes nothing",
            new DiscountRule { Id = "over-5000", Name = "10% over 5,000", Kind = DiscountKinds.CartThreshold, Percent = 10m, Threshold = Eur(5000m) },
            [Line("boots", 100m, 2)],
            [200m]
        },
        {
            "buy two get one makes the cheapest unit in scope free",
            new DiscountRule { Id = "3for2", Name = "3 for 2", Kind = DiscountKinds.BuyXGetY, Buy = 2, Get = 1, Scope = new DiscountScope { Categories = [Accessories] } },
            [Hat(8m) with { LineId = LineOf("tie") }, Hat(5m, 2) with { LineId = LineOf("socks") }, Line("boots", 100m)],
            [8m, 5m, 100m]
        },
        {
            "buy two get one gives one free unit per full group of three",
            new DiscountRule { Id = "3for2", Name = "3 for 2", Kind = DiscountKinds.BuyXGetY, Buy = 2, Get = 1 },
            [Line("socks", 5m, 7)],
            [25m]
        },
        {
            "buy one get one at half price",
            new DiscountRule { Id = "bogo-half", Name = "second at half price", Kind = DiscountKinds.BuyXGetY, Buy = 1, Get = 1, Percent = 50m },
            [Line("boots", 100m), Line("sandals", 40m)],
            [100m, 20m]
        },
        {
            "a bundle price is spread over the bundled lines by their value",
            new DiscountRule
            {
                Id = "kit", Name = "Boots and hat for 110", Kind = DiscountKinds.Bundle, BundlePrice = Eur(110m),
                Items = [new BundleItem { Sku = Sku("boots") }, new BundleItem { Product = Product("hat") }],
            },
            [Line("boots", 100m), Hat(20m)],
            [91.67m, 18.33m]
        },
        {
            "a percentage bundle discounts only the units that form bundles",
            new DiscountRule
            {
                Id = "kit", Name = "20% off boots with a hat", Kind = DiscountKinds.Bundle, Percent = 20m,
                Items = [new BundleItem { Sku = Sku("boots") }, new BundleItem { Product = Product("hat") }],
            },
            [Line("boots", 100m, 2), Hat(20m)],
            [180m, 16m]
        },
        {
            "an incomplete bundle changes nothing",
            new DiscountRule
            {
                Id = "kit", Name = "Boots and two hats for 100", Kind = DiscountKinds.Bundle, BundlePrice = Eur(100m),
                Items = [new BundleItem { Sku = Sku("boots") }, new BundleItem { Product = Product("hat"), Quantity = 2 }],
            },
            [Line("boots", 100m), Hat(20m)],
            [100m, 20m]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_kind_prices_the_lines_it_scopes(string behaviour, DiscountRule rule, PricingLine[] lines, decimal[] expectedLineTotals)
    {
        var priced = Price(Cart(lines), RuleSet(rule));

        Assert.True(expectedLineTotals.SequenceEqual(LineTotals(priced)), $"{behaviour}: expected [{string.Join(", ", expectedLineTotals)}], got [{string.Join(", ", LineTotals(priced))}]");
        Assert.Equal(priced.Lines.Sum(l => l.Total.Amount), priced.Total.Amount);
        Assert.Equal(priced.Subtotal.Amount - priced.Total.Amount, priced.Discount.Amount);
    }

    [Fact]
    public void Each_applied_discount_names_its_rule_and_amount_on_the_line()
    {
        var priced = Price(Cart(Line("boots", 100m, 2)), RuleSet(Percent("shoes", 10m, new DiscountScope { Categories = [Shoes] })));

        var line = Assert.Single(priced.Lines);
        Assert.Equal(Eur(100m), line.UnitListPrice);
        Assert.Equal(Eur(200m), line.ListTotal);
        var applied = Assert.Single(line.Discounts);
        Assert.Equal(new AppliedDiscount("shoes", "10% off (shoes)", "percentage", Eur(20m)), applied);
        Assert.Equal(Eur(180m), line.Total);
        Assert.Equal(new AppliedDiscount("shoes", "10% off (shoes)", "percentage", Eur(20m)), Assert.Single(priced.Discounts));
    }

    [Fact]
    public void A_threshold_that_is_not_met_says_how_far_the_cart_is()
    {
        var rule = new DiscountRule { Id = "over-5000", Name = "10% over 5,000", Kind = DiscountKinds.CartThreshold, Percent = 10m, Threshold = Eur(5000m) };

        var priced = Price(Cart(Line("sofa", 3200m)), RuleSet(rule));

        Assert.Equal("threshold not met: 3,200.00 of 5,000.00", ReasonFor(priced, "over-5000"));
    }

    [Fact]
    public void A_threshold_is_measured_on_the_lines_in_its_scope_only()
    {
        var rule = new DiscountRule
        {
            Id = "shoes-over-150", Name = "10% off shoes over 150", Kind = DiscountKinds.CartThreshold, Percent = 10m,
            Threshold = Eur(150m), Scope = new DiscountScope { Categories = [Shoes] },
        };

        var priced = Price(Cart(Line("boots", 100m), Hat(100m)), RuleSet(rule));

        Assert.Equal([100m, 100m], LineTotals(priced));
        Assert.Equal("threshold not met: 100.00 of 150.00", ReasonFor(priced, "shoes-over-150"));
    }

    [Fact]
    public void Buy_x_get_y_short_of_a_group_says_how_many_units_count()
    {
        var rule = new DiscountRule { Id = "3for2", Name = "3 for 2", Kind = DiscountKinds.BuyXGetY, Buy = 2, Get = 1 };

        var priced = Price(Cart(Line("socks", 5m, 2)), RuleSet(rule));

        Assert.Equal("buy 2 get 1: 2 of 3 units in the cart", ReasonFor(priced, "3for2"));
    }

    [Fact]
    public void An_incomplete_bundle_says_so()
    {
        var rule = new DiscountRule
        {
            Id = "kit", Name = "kit", Kind = DiscountKinds.Bundle, BundlePrice = Eur(50m),
            Items = [new BundleItem { Sku = Sku("boots") }, new BundleItem { Sku = Sku("laces") }],
        };

        var priced = Price(Cart(Line("boots", 100m)), RuleSet(rule));

        Assert.Equal("bundle incomplete", ReasonFor(priced, "kit"));
    }

    [Fact]
    public void A_rule_whose_amounts_are_in_another_currency_does_not_apply()
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(FixedOff("usd-off", 5m, "USD")));

        Assert.Equal([100m], LineTotals(priced));
        Assert.Equal("its amounts are in USD, the cart is in EUR", ReasonFor(priced, "usd-off"));
    }

    [Fact]
    public void A_rule_with_nothing_of_the_cart_in_scope_is_not_mentioned()
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(Percent("hats", 10m, new DiscountScope { Categories = [Hats] })));

        Assert.Empty(priced.RulesNotApplied);
        Assert.Empty(priced.Lines[0].Discounts);
    }

    [Fact]
    public void A_line_in_another_currency_than_the_cart_is_refused() =>
        Assert.Throws<ArgumentException>(() => Price(Cart(Line("boots", 100m, currency: "USD")), RuleSet()));

    [Fact]
    public void An_empty_cart_prices_to_zero() =>
        Assert.Equal(Money.Zero("EUR"), Price(Cart(), RuleSet(Percent("all", 10m))).Total);
}
