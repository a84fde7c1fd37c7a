using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

public sealed class SegmentAndWindowTests
{
    private static readonly Guid Ann = Id("customer:ann");
    private static readonly Guid Bob = Id("customer:bob");

    private static readonly PricingRules VipRules = RuleSet(Percent("vip", 10m) with { Segment = new CustomerSegment { CustomerLists = ["vip"] } }) with
    {
        CustomerLists = [new CustomerList { Id = "vip", CustomerIds = [Ann] }],
    };

    public static TheoryData<string, CustomerSegment, PricingCustomer, bool> Segments() => new()
    {
        { "a new customer gets a new-customer rule", new CustomerSegment { NewCustomer = true }, new PricingCustomer { CustomerId = Ann, SignedIn = true, NewCustomer = true }, true },
        { "a returning customer does not", new CustomerSegment { NewCustomer = true }, new PricingCustomer { CustomerId = Ann, SignedIn = true }, false },
        { "a signed-in customer gets a signed-in rule", new CustomerSegment { SignedIn = true }, new PricingCustomer { CustomerId = Ann, SignedIn = true }, true },
        { "a guest does not", new CustomerSegment { SignedIn = true }, PricingCustomer.Guest, false },
        { "every condition must hold", new CustomerSegment { SignedIn = true, NewCustomer = true }, new PricingCustomer { CustomerId = Ann, SignedIn = true }, false },
    };

    [Theory]
    [MemberData(nameof(Segments))]
    public void A_segment_decides_who_gets_a_rule(string behaviour, CustomerSegment segment, PricingCustomer customer, bool applies)
    {
        var priced = Price(Cart(Line("boots", 100m)) with { Customer = customer }, RuleSet(Percent("segment", 10m) with { Segment = segment }));

        Assert.True((priced.Total.Amount == 90m) == applies, behaviour);
        Assert.Equal(applies ? null : "not in customer segment", ReasonFor(priced, "segment"));
    }

    [Fact]
    public void A_customer_on_a_named_list_gets_its_rule() =>
        Assert.Equal(90m, Price(Cart(Line("boots", 100m)) with { Customer = new PricingCustomer { CustomerId = Ann, SignedIn = true } }, VipRules).Total.Amount);

    [Fact]
    public void A_customer_off_the_list_does_not()
    {
        var priced = Price(Cart(Line("boots", 100m)) with { Customer = new PricingCustomer { CustomerId = Bob, SignedIn = true } }, VipRules);

        Assert.Equal(100m, priced.Total.Amount);
        Assert.Equal("not in customer segment", ReasonFor(priced, "vip"));
    }

    public static TheoryData<string, TimeWindow, bool> Windows() => new()
    {
        { "a window that starts now is open", new TimeWindow { From = Now }, true },
        { "a window that ends now is closed", new TimeWindow { To = Now }, false },
        { "a window around now is open", new TimeWindow { From = Now.AddDays(-1), To = Now.AddDays(1) }, true },
        { "a window that has not started is closed", new TimeWindow { From = Now.AddTicks(1) }, false },
        { "a window with neither end is always open", new TimeWindow(), true },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void A_rule_applies_only_inside_its_time_window(string behaviour, TimeWindow window, bool applies)
    {
        var priced = Price(Cart(Line("boots", 100m)), RuleSet(Percent("timed", 10m) with { Window = window }));

        Assert.True((priced.Total.Amount == 90m) == applies, behaviour);
        Assert.Equal(applies ? null : "outside its time window", ReasonFor(priced, "timed"));
    }
}
