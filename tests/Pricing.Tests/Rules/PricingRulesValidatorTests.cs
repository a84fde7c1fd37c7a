using System.Text.Json;
using Marketplace.Platform;
using Microsoft.Extensions.Configuration;
using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Rules;

public sealed class PricingRulesValidatorTests
{
    private static readonly PricingRulesValidator Validator = new();

    private static readonly Guid Ann = Id("customer:ann");

    /// <summary>A document with one rule of every kind, as marketing writes it.</summary>
    private static readonly string Document = $$"""
        {
          "customerLists": [ { "id": "vip", "customerIds": [ "{{Ann}}" ] } ],
          "promoCodes": [
            { "code": "SUMMER", "window": { "from": "2026-06-01T00:00:00Z", "to": "2026-09-01T00:00:00Z" }, "maxUses": 1000, "maxUsesPerCustomer": 1 }
          ],
          "discounts": [
            { "id": "shoes-10", "name": "10% off shoes", "kind": "percentage", "percent": 10,
              "scope": { "categories": [ "{{Shoes}}" ] }, "priority": 10, "stacking": "combinable", "combinedCapPercent": 30 },
            { "id": "acme-5", "name": "5 off every Acme item", "kind": "fixed", "amountOff": { "amount": 5, "currency": "EUR" },
              "scope": { "brands": [ "{{Acme}}" ] }, "maxPerOrder": { "amount": 50, "currency": "EUR" } },
            { "id": "over-5000", "name": "10% off orders over 5,000", "kind": "cartThreshold", "percent": 10,
              "threshold": { "amount": 5000, "currency": "EUR" }, "segment": { "signedIn": true } },
            { "id": "hats-3for2", "name": "3 hats for the price of 2", "kind": "buyXGetY", "buy": 2, "get": 1,
              "scope": { "categories": [ "{{Hats}}" ] }, "window": { "from": "2026-06-01T00:00:00Z", "to": "2026-08-01T00:00:00Z" } },
            { "id": "boots-and-hat", "name": "Boots and a hat for 110", "kind": "bundle",
              "items": [ { "sku": "{{Sku("boots")}}" }, { "product": "{{Product("hat")}}", "quantity": 1 } ],
              "bundlePrice": { "amount": 110, "currency": "EUR" }, "stacking": "exclusive", "priority": 20 },
            { "id": "summer-vip", "name": "Summer: 15% for VIPs", "kind": "percentage", "percent": 15, "promoCode": "SUMMER",
              "segment": { "customerLists": [ "vip" ] } }
          ],
          "freeDelivery": [
            { "id": "free-over-50", "name": "Free delivery over 50", "appliesTo": "eachSeller", "threshold": { "amount": 50, "currency": "EUR" } },
            { "id": "free-order-over-150", "name": "Free delivery on orders over 150", "appliesTo": "order", "threshold": { "amount": 150, "currency": "EUR" } }
          ],
          "limits": { "maxLineDiscountPercent": 70, "maxOrderDiscountPercent": 50 }
        }
        """;

    private static PricingRules Parse(string json) => JsonSerializer.Deserialize<PricingRules>(json, Json)!;

    private static PricingRules Valid() => Parse(Document);

    [Fact]
    public void A_document_with_every_rule_kind_reads_from_json_and_passes()
    {
        var rules = Valid();

        var result = Validator.Validate(rules);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        Assert.Equal(6, rules.Discounts.Count);
        Assert.Equal(new Money(5m, "EUR"), rules.Discounts[1].AmountOff);
    }

    [Fact]
    public void A_document_bound_through_configuration_reads_the_same_as_from_json()
    {
        // Runtime rules may reach IOptionsMonitor through a configuration provider and the configuration binder.
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Document));
        var bound = new ConfigurationBuilder().AddJsonStream(stream).Build().Get<PricingRules>()!;

        Assert.True(Validator.Validate(bound).IsValid);
        Assert.Equal(JsonSerializer.Serialize(Valid(), Json), JsonSerializer.Serialize(bound, Json));
    }

    [Fact]
    public void A_document_read_from_json_prices_a_cart()
    {
        var cart = Cart(Line("boots", 100m), Hat(20m)) with
        {
            Customer = new PricingCustomer { CustomerId = Ann, SignedIn = true },
            PromoCodes = [new PromoCodeUsage { Code = "summer", TimesUsed = 3 }],
        };

        var priced = PricingEngine.Price(cart, Valid(), Now);

        // The exclusive bundle (priority 20) takes both lines first: 120 becomes 110, and nothing else may join.
        Assert.Equal(110m, priced.Total.Amount);
        Assert.Equal("boots-and-hat", Assert.Single(priced.Discounts).RuleId);
        Assert.Equal("a higher-priority exclusive rule applied", ReasonFor(priced, "shoes-10"));
        Assert.Equal("a higher-priority exclusive rule applied", Assert.Single(priced.PromoCodes).Reason);
        Assert.True(priced.Sellers.Single(s => s.SellerId == SellerA).FreeDelivery!.Met);
    }

    public static TheoryData<string, Func<PricingRules, PricingRules>, string, string> Failures() => new()
    {
        { "an unknown rule kind", r => WithDiscount(r, 2, d => d with { Kind = "mysteryBox" }), "discounts[2].kind", "Unknown rule kind 'mysteryBox'" },
        { "a percentage over 100", r => WithDiscount(r, 0, d => d with { Percent = 120m }), "discounts[0].percent", "between 0 and 100" },
        { "a percentage below 0", r => WithDiscount(r, 0, d => d with { Percent = -1m }), "discounts[0].percent", "between 0 and 100" },
        { "a negative amount", r => WithDiscount(r, 1, d => d with { AmountOff = new Money(-5m, "EUR") }), "discounts[1].amountOff.amount", "must not be negative" },
        { "an unsupported currency", r => WithDiscount(r, 1, d => d with { AmountOff = new Money(5m, "XXX") }), "discounts[1].amountOff.currency", "Unsupported currency 'XXX'" },
        { "a currency missing", r => WithDiscount(r, 1, d => d with { AmountOff = new Money(5m, null!) }), "discounts[1].amountOff.currency", "Unsupported currency" },
        { "yen with decimals", r => WithDiscount(r, 1, d => d with { AmountOff = new Money(5.5m, "JPY"), MaxPerOrder = null }), "discounts[1].amountOff.amount", "JPY allows 0 decimals" },
        { "two currencies in one rule", r => WithDiscount(r, 1, d => d with { MaxPerOrder = new Money(50m, "USD") }), "discounts[1].maxPerOrder.currency", "one currency" },
        {
            "a window that ends before it starts", r => WithDiscount(r, 3, d => d with { Window = new TimeWindow { From = Now, To = Now.AddDays(-1) } }),
            "discounts[3].window.to", "must end after it starts"
        },
        { "a window that ends as it starts", r => WithDiscount(r, 3, d => d with { Window = new TimeWindow { From = Now, To = Now } }), "discounts[3].window.to", "must end after it starts" },
        { "a rule behind an unknown promo code", r => WithDiscount(r, 5, d => d with { PromoCode = "WINTER" }), "discounts[5].promoCode", "Unknown promo code 'WINTER'" },
        { "a duplicate rule id", r => WithDiscount(r, 1, d => d with { Id = "shoes-10" }), "discounts[1].id", "Duplicate id 'shoes-10', also used by discounts[0]" },
        {
            "a free-delivery rule with a discount's id", r => r with { FreeDelivery = [r.FreeDelivery[0] with { Id = "acme-5" }, r.FreeDelivery[1]] },
            "freeDelivery[0].id", "Duplicate id 'acme-5'"
        },
        { "buy below 1", r => WithDiscount(r, 3, d => d with { Buy = 0 }), "discounts[3].buy", "at least 1" },
        { "get below 1", r => WithDiscount(r, 3, d => d with { Get = 0 }), "discounts[3].get", "at least 1" },
        { "an unknown stacking mode", r => WithDiscount(r, 0, d => d with { Stacking = "sometimes" }), "discounts[0].stacking", "Unknown stacking mode 'sometimes'" },
        { "a cap on an exclusive rule", r => WithDiscount(r, 0, d => d with { Stacking = StackingModes.Exclusive }), "discounts[0].combinedCapPercent", "only to combinable" },
        { "an unknown customer list", r => WithDiscount(r, 5, d => d with { Segment = new CustomerSegment { CustomerLists = ["gold"] } }), "discounts[5].segment.customerLists[0]", "Unknown customer list 'gold'" },
        { "a threshold rule without a threshold", r => WithDiscount(r, 2, d => d with { Threshold = null }), "discounts[2].threshold", "needs threshold" },
        { "a threshold rule with both a percent and an amount", r => WithDiscount(r, 2, d => d with { AmountOff = new Money(5m, "EUR") }), "discounts[2].percent", "exactly one of percent or amountOff" },
        { "a field that does not belong to the kind", r => WithDiscount(r, 0, d => d with { Buy = 2 }), "discounts[0].buy", "does not apply to a percentage rule" },
        { "a percentage rule without a percent", r => WithDiscount(r, 0, d => d with { Percent = null }), "discounts[0].percent", "needs percent" },
        {
            "a bundle item naming both a sku and a product", r => WithDiscount(r, 4, d => d with { Items = [new BundleItem { Sku = Sku("boots"), Product = Product("boots") }] }),
            "discounts[4].items[0]", "either a sku or a product"
        },
        { "a bundle item quantity below 1", r => WithDiscount(r, 4, d => d with { Items = [new BundleItem { Sku = Sku("boots"), Quantity = 0 }] }), "discounts[4].items[0].quantity", "at least 1" },
        { "a bundle with a scope", r => WithDiscount(r, 4, d => d with { Scope = new DiscountScope { Brands = [Acme] } }), "discounts[4].scope", "scope is its items" },
        { "a duplicate promo code", r => r with { PromoCodes = [r.PromoCodes[0], new PromoCode { Code = "summer" }] }, "promoCodes[1].code", "Duplicate promo code 'summer'" },
        { "a promo code window that ends before it starts", r => r with { PromoCodes = [r.PromoCodes[0] with { Window = new TimeWindow { From = Now, To = Now.AddDays(-1) } }] }, "promoCodes[0].window.to", "must end after it starts" },
        { "a negative usage limit", r => r with { PromoCodes = [r.PromoCodes[0] with { MaxUses = -1 }] }, "promoCodes[0].maxUses", "must not be negative" },
        { "an unknown free-delivery scope", r => r with { FreeDelivery = [r.FreeDelivery[0] with { AppliesTo = "everyone" }] }, "freeDelivery[0].appliesTo", "Unknown free-delivery scope 'everyone'" },
        { "a free-delivery threshold in no currency", r => r with { FreeDelivery = [r.FreeDelivery[0] with { Threshold = default }] }, "freeDelivery[0].threshold.currency", "Unsupported currency" },
        { "a line limit over 100", r => r with { Limits = new DiscountLimits { MaxLineDiscountPercent = 101m } }, "limits.maxLineDiscountPercent", "between 0 and 100" },
        { "a rule without a name", r => WithDiscount(r, 0, d => d with { Name = " " }), "discounts[0].name", "name is required" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_bad_document_is_rejected_naming_the_field(string problem, Func<PricingRules, PricingRules> spoil, string path, string message)
    {
        var result = Validator.Validate(spoil(Valid()));

        Assert.False(result.IsValid, problem);
        Assert.Contains(result.Errors, e => e.PropertyName == path && e.ErrorMessage.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_kind_in_json_is_a_validation_failure_not_a_parse_error()
    {
        var rules = Parse(Document.Replace("\"kind\": \"fixed\"", "\"kind\": \"freeGift\"", StringComparison.Ordinal));

        var failure = Assert.Single(Validator.Validate(rules).Errors);

        Assert.Equal("discounts[1].kind", failure.PropertyName);
        Assert.Equal("Unknown rule kind 'freeGift': expected one of percentage, fixed, cartThreshold, buyXGetY, bundle.", failure.ErrorMessage);
    }

    private static DiscountRule ExclusiveOn(string id, DiscountScope scope, int priority = 5, TimeWindow? window = null) =>
        Percent(id, 10m, scope) with { Stacking = StackingModes.Exclusive, Priority = priority, Window = window };

    [Fact]
    public void Two_exclusive_rules_of_one_priority_that_can_meet_on_a_line_are_rejected_naming_both()
    {
        var rules = RuleSet(
            ExclusiveOn("shoes-sale", new DiscountScope { Categories = [Shoes] }),
            ExclusiveOn("acme-sale", new DiscountScope { Brands = [Acme] }));

        var failure = Assert.Single(Validator.Validate(rules).Errors);

        Assert.Equal("discounts[1].stacking", failure.PropertyName);
        Assert.Contains("'shoes-sale' (discounts[0])", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'acme-sale' (discounts[1])", failure.ErrorMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, DiscountRule, DiscountRule> Unambiguous() => new()
    {
        { "different priorities", ExclusiveOn("a", new DiscountScope(), priority: 1), ExclusiveOn("b", new DiscountScope(), priority: 2) },
        { "disjoint SKUs", ExclusiveOn("a", new DiscountScope { Skus = [Sku("boots")] }), ExclusiveOn("b", new DiscountScope { Skus = [Sku("hat")] }) },
        { "disjoint brands", ExclusiveOn("a", new DiscountScope { Brands = [Acme] }), ExclusiveOn("b", new DiscountScope { Brands = [Zenith] }) },
        {
            "windows that follow each other",
            ExclusiveOn("a", new DiscountScope(), window: new TimeWindow { To = Now }),
            ExclusiveOn("b", new DiscountScope(), window: new TimeWindow { From = Now })
        },
        {
            "new and returning customers",
            ExclusiveOn("a", new DiscountScope()) with { Segment = new CustomerSegment { NewCustomer = true } },
            ExclusiveOn("b", new DiscountScope()) with { Segment = new CustomerSegment { NewCustomer = false } }
        },
    };

    [Theory]
    [MemberData(nameof(Unambiguous))]
    public void Exclusive_rules_that_cannot_meet_are_accepted(string why, DiscountRule first, DiscountRule second)
    {
        var result = Validator.Validate(RuleSet(first, second));

        Assert.True(result.IsValid, $"{why}: {string.Join("; ", result.Errors.Select(e => e.ErrorMessage))}");
    }

    [Fact]
    public void An_empty_document_is_valid() => Assert.True(Validator.Validate(new PricingRules()).IsValid);

    private static PricingRules WithDiscount(PricingRules rules, int index, Func<DiscountRule, DiscountRule> change) =>
        rules with { Discounts = rules.Discounts.Select((d, i) => i == index ? change(d) : d).ToArray() };
}
