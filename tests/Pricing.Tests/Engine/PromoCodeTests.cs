using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

public sealed class PromoCodeTests
{
    private static readonly Guid Customer = Id("customer:ann");

    private static PricingRules SummerRules(PromoCode code) => RuleSet(Percent("summer", 10m) with { PromoCode = "SUMMER" }) with { PromoCodes = [code] };

    private static PricingRequest CartWithCode(string code, int used = 0, int usedByCustomer = 0, Guid? customer = null) =>
        Cart(Line("boots", 100m)) with
        {
            Customer = new PricingCustomer { CustomerId = customer ?? Customer, SignedIn = true },
            PromoCodes = [new PromoCodeUsage { Code = code, TimesUsed = used, TimesUsedByCustomer = usedByCustomer }],
        };

    public static TheoryData<string, PromoCode, PricingRequest, string> Refusals() => new()
    {
        { "after its window", new PromoCode { Code = "SUMMER", Window = new TimeWindow { To = Now } }, CartWithCode("SUMMER"), "promo code expired" },
        { "before its window", new PromoCode { Code = "SUMMER", Window = new TimeWindow { From = Now.AddSeconds(1) } }, CartWithCode("SUMMER"), "promo code not yet valid" },
        { "used up in total", new PromoCode { Code = "SUMMER", MaxUses = 100 }, CartWithCode("SUMMER", used: 100), "usage limit reached" },
        { "used up by this customer", new PromoCode { Code = "SUMMER", MaxUsesPerCustomer = 1 }, CartWithCode("SUMMER", used: 5, usedByCustomer: 1), "usage limit per customer reached" },
        {
            "limited per customer while the buyer is a guest",
            new PromoCode { Code = "SUMMER", MaxUsesPerCustomer = 1 },
            CartWithCode("SUMMER") with { Customer = PricingCustomer.Guest },
            "sign in to use this promo code"
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_code_that_cannot_be_used_gives_nothing_and_says_why(string situation, PromoCode code, PricingRequest cart, string reason)
    {
        var priced = Price(cart, SummerRules(code));

        Assert.True(priced.Total.Amount == 100m, situation);
        Assert.Equal(new PromoCodeOutcome("SUMMER", false, reason), Assert.Single(priced.PromoCodes));
        Assert.Equal(reason, ReasonFor(priced, "summer"));
    }

    [Fact]
    public void A_valid_code_unlocks_its_rule()
    {
        var code = new PromoCode { Code = "SUMMER", Window = new TimeWindow { From = Now.AddDays(-1), To = Now.AddDays(1) }, MaxUses = 100, MaxUsesPerCustomer = 2 };

        var priced = Price(CartWithCode("summer", used: 99, usedByCustomer: 1), SummerRules(code));

        Assert.Equal(90m, priced.Total.Amount);
        Assert.Equal(new PromoCodeOutcome("summer", true, null), Assert.Single(priced.PromoCodes));
    }

    [Fact]
    public void A_rule_behind_a_code_nobody_entered_is_never_mentioned()
    {
        var priced = Price(Cart(Line("boots", 100m)), SummerRules(new PromoCode { Code = "SUMMER" }));

        Assert.Equal(100m, priced.Total.Amount);
        Assert.Empty(priced.RulesNotApplied);
        Assert.DoesNotContain("SUMMER", Explained(priced), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unknown_code_is_reported_as_unknown()
    {
        var priced = Price(CartWithCode("WINTER"), SummerRules(new PromoCode { Code = "SUMMER" }));

        Assert.Equal(new PromoCodeOutcome("WINTER", false, "unknown promo code"), Assert.Single(priced.PromoCodes));
        Assert.Equal(100m, priced.Total.Amount);
    }

    [Fact]
    public void A_valid_code_whose_rule_does_not_apply_passes_on_the_rule_s_reason()
    {
        var rules = RuleSet(new DiscountRule
        {
            Id = "big-spender", Name = "10% over 5,000", Kind = DiscountKinds.CartThreshold, Percent = 10m, Threshold = Eur(5000m), PromoCode = "BIG",
        }) with { PromoCodes = [new PromoCode { Code = "BIG" }] };

        var priced = Price(CartWithCode("BIG"), rules);

        Assert.Equal(new PromoCodeOutcome("BIG", false, "threshold not met: 100.00 of 5,000.00"), Assert.Single(priced.PromoCodes));
    }

    [Fact]
    public void A_valid_code_with_nothing_in_scope_says_so()
    {
        var rules = RuleSet(Percent("hats", 10m, new DiscountScope { Categories = [Hats] }) with { PromoCode = "HATS" }) with { PromoCodes = [new PromoCode { Code = "HATS" }] };

        var priced = Price(CartWithCode("HATS"), rules);

        Assert.Equal(new PromoCodeOutcome("HATS", false, "nothing in the cart is in its scope"), Assert.Single(priced.PromoCodes));
    }

    [Fact]
    public void Entering_a_code_twice_counts_once()
    {
        var cart = CartWithCode("SUMMER") with { PromoCodes = [new PromoCodeUsage { Code = "SUMMER" }, new PromoCodeUsage { Code = "summer" }] };

        var priced = Price(cart, SummerRules(new PromoCode { Code = "SUMMER" }));

        Assert.Equal(90m, priced.Total.Amount);
        Assert.Single(priced.PromoCodes);
    }

    [Fact]
    public void A_code_matches_without_its_surrounding_spaces_and_is_reported_once_as_first_typed()
    {
        var rules = RuleSet(Percent("summer", 10m) with { PromoCode = " SUMMER" }) with { PromoCodes = [new PromoCode { Code = "summer " }] };
        var cart = Cart(Line("boots", 100m)) with
        {
            PromoCodes = [new PromoCodeUsage { Code = "   " }, new PromoCodeUsage { Code = " Summer " }, new PromoCodeUsage { Code = "SUMMER" }],
        };

        var priced = Price(cart, rules);

        Assert.Equal(90m, priced.Total.Amount);
        Assert.Equal(new PromoCodeOutcome(" Summer ", true, null), Assert.Single(priced.PromoCodes));
    }

    [Fact]
    public void When_a_code_is_entered_twice_the_first_entry_s_usage_counts()
    {
        var cart = CartWithCode("SUMMER") with
        {
            PromoCodes = [new PromoCodeUsage { Code = "SUMMER", TimesUsed = 100 }, new PromoCodeUsage { Code = "summer", TimesUsed = 0 }],
        };

        var priced = Price(cart, SummerRules(new PromoCode { Code = "SUMMER", MaxUses = 100 }));

        Assert.Equal(100m, priced.Total.Amount);
        Assert.Equal(new PromoCodeOutcome("SUMMER", false, "usage limit reached"), Assert.Single(priced.PromoCodes));
        Assert.Equal("usage limit reached", ReasonFor(priced, "summer"));
    }
}
