using Marketplace.Platform;
using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

public sealed class FreeDeliveryTests
{
    private static readonly FreeDeliveryRule EachSellerOver50 = new()
    {
        Id = "free-over-50", Name = "Free delivery over 50", AppliesTo = FreeDeliveryScopes.EachSeller, Threshold = Eur(50m),
    };

    private static readonly FreeDeliveryRule OrderOver100 = new()
    {
        Id = "free-order-over-100", Name = "Free delivery on orders over 100", AppliesTo = FreeDeliveryScopes.Order, Threshold = Eur(100m),
    };

    [Fact]
    public void Each_seller_group_is_measured_on_its_own()
    {
        var priced = Price(Cart(Line("boots", 60m), Hat(30m)), new PricingRules { FreeDelivery = [EachSellerOver50] });

        var sellerA = priced.Sellers.Single(s => s.SellerId == SellerA);
        var sellerB = priced.Sellers.Single(s => s.SellerId == SellerB);
        Assert.Equal(new FreeDeliveryStatus("free-over-50", "Free delivery over 50", Eur(50m), true, Eur(0m)), sellerA.FreeDelivery);
        Assert.Equal(new FreeDeliveryStatus("free-over-50", "Free delivery over 50", Eur(50m), false, Eur(20m)), sellerB.FreeDelivery);
        Assert.Null(priced.OrderFreeDelivery);
    }

    [Fact]
    public void A_met_order_threshold_makes_every_seller_group_ship_free()
    {
        var priced = Price(Cart(Line("boots", 80m), Hat(30m)), new PricingRules { FreeDelivery = [EachSellerOver50, OrderOver100] });

        Assert.True(priced.OrderFreeDelivery!.Met);
        Assert.All(priced.Sellers, s => Assert.True(s.FreeDelivery!.Met));
        Assert.Equal("free-order-over-100", priced.Sellers.Single(s => s.SellerId == SellerB).FreeDelivery!.RuleId);
    }

    [Fact]
    public void Thresholds_are_measured_after_discounts()
    {
        var rules = RuleSet(Percent("half", 50m)) with { FreeDelivery = [EachSellerOver50] };

        var priced = Price(Cart(Line("boots", 60m)), rules);

        Assert.Equal(new FreeDeliveryStatus("free-over-50", "Free delivery over 50", Eur(50m), false, Eur(20m)), priced.Sellers[0].FreeDelivery);
    }

    [Fact]
    public void A_seller_threshold_covers_only_the_sellers_it_lists()
    {
        var rules = new PricingRules { FreeDelivery = [EachSellerOver50 with { Sellers = [SellerB] }] };

        var priced = Price(Cart(Line("boots", 60m), Hat(60m)), rules);

        Assert.Null(priced.Sellers.Single(s => s.SellerId == SellerA).FreeDelivery);
        Assert.True(priced.Sellers.Single(s => s.SellerId == SellerB).FreeDelivery!.Met);
    }

    [Fact]
    public void Seller_groups_carry_their_subtotals_and_add_up_to_the_order()
    {
        var priced = Price(Cart(Line("boots", 60m, 2), Hat(30m), Line("laces", 5m)), RuleSet(Percent("ten", 10m)));

        var sellerA = priced.Sellers.Single(s => s.SellerId == SellerA);
        Assert.Equal(Eur(125m), sellerA.Subtotal);
        Assert.Equal(Eur(12.5m), sellerA.Discount);
        Assert.Equal(Eur(112.5m), sellerA.Total);
        Assert.Equal(priced.Total.Amount, priced.Sellers.Sum(s => s.Total.Amount));
    }

    [Fact]
    public void A_free_delivery_rule_outside_its_window_says_so()
    {
        var rules = new PricingRules { FreeDelivery = [EachSellerOver50 with { Window = new TimeWindow { To = Now.AddDays(-1) } }] };

        var priced = Price(Cart(Line("boots", 60m)), rules);

        Assert.Null(priced.Sellers[0].FreeDelivery);
        Assert.Equal("outside its time window", ReasonFor(priced, "free-over-50"));
    }

    public static TheoryData<string, FreeDeliveryRule, string> RulesThatCannotApply() => new()
    {
        { "a seller rule for signed-in customers, to a guest", EachSellerOver50 with { Segment = new CustomerSegment { SignedIn = true } }, "not in customer segment" },
        { "an order rule for signed-in customers, to a guest", OrderOver100 with { Segment = new CustomerSegment { SignedIn = true } }, "not in customer segment" },
        { "a seller rule in dollars, on a cart in euros", EachSellerOver50 with { Threshold = new Money(50m, "USD") }, "its amounts are in USD, the cart is in EUR" },
        { "an order rule in dollars, on a cart in euros", OrderOver100 with { Threshold = new Money(100m, "USD") }, "its amounts are in USD, the cart is in EUR" },
    };

    [Theory]
    [MemberData(nameof(RulesThatCannotApply))]
    public void A_free_delivery_rule_that_cannot_apply_shows_no_threshold_anywhere_and_says_why_once(string situation, FreeDeliveryRule rule, string reason)
    {
        var priced = Price(Cart(Line("boots", 160m), Hat(160m)), new PricingRules { FreeDelivery = [rule] });

        Assert.True(priced.OrderFreeDelivery is null, situation);
        Assert.All(priced.Sellers, s => Assert.Null(s.FreeDelivery));
        Assert.Equal(reason, Assert.Single(priced.RulesNotApplied, r => r.RuleId == rule.Id).Reason);
    }
}
