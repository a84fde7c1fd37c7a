using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

public sealed class StackingAndCapTests
{
    private static DiscountRule Exclusive(DiscountRule rule, int priority) => rule with { Stacking = StackingModes.Exclusive, Priority = priority };

    private static DiscountRule Combinable(DiscountRule rule, int priority, decimal? combinedCap = null) =>
        rule with { Stacking = StackingModes.Combinable, Priority = priority, CombinedCapPercent = combinedCap };

    public static TheoryData<string, DiscountRule[], DiscountLimits?, PricingLine[], decimal[]> Cases() => new()
    {
        {
            "combinable percentages compound: each comes off what the one before left",
            [Combinable(Percent("a", 10m), 2), Combinable(Percent("b", 10m), 1)],
            null, [Line("boots", 100m)], [81m]
        },
        {
            "a higher-priority exclusive rule keeps every other rule off its lines",
            [Exclusive(Percent("exclusive", 20m), 10), Combinable(Percent("later", 10m), 5)],
            null, [Line("boots", 100m)], [80m]
        },
        {
            "an exclusive rule does not join a line a higher-priority rule already discounted",
            [Combinable(Percent("first", 10m), 10), Exclusive(Percent("exclusive", 50m), 5)],
            null, [Line("boots", 100m)], [90m]
        },
        {
            "an exclusive rule still applies to lines no other rule touched",
            [Combinable(Percent("boots-only", 10m, new DiscountScope { Skus = [Sku("boots")] }), 10), Exclusive(Percent("exclusive", 50m), 5)],
            null, [Line("boots", 100m), Line("sandals", 40m)], [90m, 20m]
        },
        {
            "a combinable rule with a cap tops the line's discount up to the cap and no further",
            [Combinable(Percent("first", 20m), 10), Combinable(Percent("capped", 15m), 5, combinedCap: 30m)],
            null, [Line("boots", 100m)], [70m]
        },
        {
            "a cap only limits the rule that carries it",
            [Combinable(Percent("capped", 15m), 10, combinedCap: 10m), Combinable(Percent("after", 10m), 5)],
            null, [Line("boots", 100m)], [81m]
        },
        {
            "a rule's maximum per line",
            [Percent("half", 50m) with { MaxPerLine = Eur(20m) }],
            null, [Line("boots", 100m), Line("sandals", 30m)], [80m, 15m]
        },
        {
            "a rule's maximum per order is spread over its lines in proportion to what each would have got",
            [Percent("half", 50m) with { MaxPerOrder = Eur(40m) }],
            null, [Line("boots", 100m), Line("sandals", 60m)], [75m, 45m]
        },
        {
            "the document's line limit holds all rules together",
            [Combinable(Percent("a", 20m), 2), Combinable(Percent("b", 20m), 1)],
            new DiscountLimits { MaxLineDiscountPercent = 30m }, [Line("boots", 100m)], [70m]
        },
        {
            "the document's order limit holds all rules together",
            [Percent("half", 50m)],
            new DiscountLimits { MaxOrderDiscountPercent = 10m }, [Line("boots", 100m), Line("sandals", 100m)], [90m, 90m]
        },
        {
            "rules of equal priority apply in the order of their ids, whatever the document's order",
            [FixedOff("b-fixed", 10m), Percent("a-percent", 50m)],
            null, [Line("boots", 100m)], [40m]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rules_stack_and_stop_at_their_caps(string behaviour, DiscountRule[] discounts, DiscountLimits? limits, PricingLine[] lines, decimal[] expected)
    {
        var priced = Price(Cart(lines), RuleSet(discounts) with { Limits = limits });

        Assert.True(expected.SequenceEqual(LineTotals(priced)), $"{behaviour}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", LineTotals(priced))}]");
    }

    [Fact]
    public void A_rule_kept_off_by_an_exclusive_rule_says_so_on_the_line_and_the_cart()
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(Exclusive(Percent("exclusive", 20m), 10), Combinable(Percent("later", 10m), 5)));

        Assert.Equal("a higher-priority exclusive rule applied", ReasonFor(priced, "later"));
        Assert.Equal(new RuleNotApplied("later", "10% off (later)", "a higher-priority exclusive rule applied"), Assert.Single(priced.Lines[0].RulesNotApplied));
    }

    [Fact]
    public void An_exclusive_rule_after_another_discount_says_why_it_stayed_out()
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(Combinable(Percent("first", 10m), 10), Exclusive(Percent("exclusive", 50m), 5)));

        Assert.Equal("exclusive, and a higher-priority rule already applied", ReasonFor(priced, "exclusive"));
    }

    [Fact]
    public void A_rule_cut_to_nothing_by_its_cap_reports_cap_reached()
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(Combinable(Percent("first", 30m), 10), Combinable(Percent("capped", 15m), 5, combinedCap: 30m)));

        Assert.Equal([70m], LineTotals(priced));
        Assert.Equal("cap reached", ReasonFor(priced, "capped"));
        Assert.Contains(priced.Lines[0].RulesNotApplied, r => r is { RuleId: "capped", Reason: "cap reached" });
    }

    [Fact]
    public void A_rule_partly_cut_by_a_cap_shows_what_it_still_gave()
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(Percent("half", 50m) with { MaxPerLine = Eur(20m) }));

        Assert.Equal(Eur(20m), Assert.Single(priced.Lines[0].Discounts).Amount);
    }

    [Fact]
    public void The_order_limit_counts_what_earlier_rules_took()
    {
        var rules = RuleSet(Combinable(FixedOff("first", 10m), 2), Combinable(Percent("second", 50m), 1)) with
        {
            Limits = new DiscountLimits { MaxOrderDiscountPercent = 15m },
        };

        var priced = Price(Cart(Line("boots", 100m)), rules);

        Assert.Equal(85m, priced.Total.Amount);
    }
}
