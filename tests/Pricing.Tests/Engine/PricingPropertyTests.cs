using System.Text.Json;
using CsCheck;
using Marketplace.Platform;
using static Marketplace.Pricing.Tests.Shop;

namespace Marketplace.Pricing.Tests.Engine;

/// <summary>Random carts against random rule sets (valid or not, overlapping or not): what must hold for every price.</summary>
public sealed class PricingPropertyTests
{
    private const int Iterations = 400;

    // A small catalog: a category tree of six (0 is the root; 1 and 2 under it; 3 and 4 under 1; 5 under 2).
    private static readonly Guid[] Categories = Enumerable.Range(0, 6).Select(i => Id($"prop-category:{i}")).ToArray();
    private static readonly int[][] Ancestors = [[], [0], [0], [1, 0], [1, 0], [2, 0]];
    private static readonly Guid[] Brands = Enumerable.Range(0, 3).Select(i => Id($"prop-brand:{i}")).ToArray();
    private static readonly Guid[] Sellers = Enumerable.Range(0, 3).Select(i => Id($"prop-seller:{i}")).ToArray();
    private static readonly Guid[] Products = Enumerable.Range(0, 8).Select(i => Id($"prop-product:{i}")).ToArray();
    private static readonly Guid Customer = Id("prop-customer");

    private static Guid SkuOf(int product, int variant) => Id($"prop-sku:{product}:{variant}");

    private static readonly Gen<string> Currency = Gen.OneOf("EUR", "JPY", "KWD");

    /// <summary>A count of minor units up to <paramref name="max"/>, scale first: small amounts are as likely as large ones.</summary>
    private static Gen<int> MinorUnits(int max) =>
        Gen.Int[1, 6].SelectMany(digits => Gen.Int[0, Math.Min(max, (int)Math.Pow(10, digits))]);

    private static decimal InMinorUnits(int units, string currency) => units / (decimal)Math.Pow(10, Currencies.MinorUnitsOf(currency));

    private static Gen<PricingLine[]> LinesIn(string currency) =>
        (from product in Gen.Int[0, 7]
         from variant in Gen.Int[0, 1]
         from seller in Gen.Int[0, 2]
         from price in MinorUnits(200_000)
         from quantity in Gen.Int[1, 6]
         select (product, variant, seller, price, quantity))
        .Array[0, 12]
        .Select(raw => raw.Select((l, i) => new PricingLine
        {
            LineId = Id($"prop-line:{i}"),
            OfferId = Id($"prop-offer:{i}"),
            SellerId = Sellers[l.seller],
            SkuId = SkuOf(l.product, l.variant),
            ProductId = Products[l.product],
            CategoryId = Categories[l.product % 6],
            CategoryAncestorIds = Ancestors[l.product % 6].Select(a => Categories[a]).ToArray(),
            BrandId = l.product % 4 == 3 ? null : Brands[l.product % 3],
            UnitListPrice = new Money(InMinorUnits(l.price, currency), currency),
            Quantity = l.quantity,
        }).ToArray());

    private static Gen<DiscountScope> Scope =>
        from dimension in Gen.Int[0, 5]
        from pick in Gen.Int[0, 7]
        select dimension switch
        {
            1 => new DiscountScope { Categories = [Categories[pick % 6]] },
            2 => new DiscountScope { Brands = [Brands[pick % 3]] },
            3 => new DiscountScope { Sellers = [Sellers[pick % 3]] },
            4 => new DiscountScope { Products = [Products[pick]] },
            5 => new DiscountScope { Skus = [SkuOf(pick, 0)] },
            _ => new DiscountScope(),
        };

    private static Gen<Money?> MaybeAmount(string currency) =>
        from present in Gen.Int[0, 2]
        from units in MinorUnits(50_000)
        select present == 0 ? (Money?)new Money(InMinorUnits(units, currency), currency) : null;

    /// <summary>A rule of any kind; ids are given by position afterwards, so they are unique as the validator demands.</summary>
    private static Gen<DiscountRule> Rule(string currency) =>
        from kind in Gen.Int[0, 4]
        from percent in Gen.Int[0, 100]
        from amount in MinorUnits(100_000)
        from threshold in MinorUnits(500_000)
        from buy in Gen.Int[1, 3]
        from get in Gen.Int[1, 2]
        from scope in Scope
        from priority in Gen.Int[0, 3]
        from exclusive in Gen.Bool
        from cap in Gen.Int[-100, 100]
        from maxPerLine in MaybeAmount(currency)
        from maxPerOrder in MaybeAmount(currency)
        from items in Gen.Int[0, 7].Array[1, 3]
        select new DiscountRule
        {
            Kind = DiscountKinds.All[kind],
            Percent = kind is 0 or 4 || (kind == 2 && amount % 2 == 0) ? percent : null,
            AmountOff = kind == 1 || (kind == 2 && amount % 2 == 1) ? new Money(InMinorUnits(amount / 10, currency), currency) : null,
            Threshold = kind == 2 ? new Money(InMinorUnits(threshold, currency), currency) : null,
            Buy = kind == 3 ? buy : null,
            Get = kind == 3 ? get : null,
            Items = kind == 4 ? items.Distinct().Select(p => new BundleItem { Product = Products[p] }).ToArray() : [],
            Scope = kind == 4 ? new DiscountScope() : scope,
            Priority = priority,
            Stacking = exclusive ? StackingModes.Exclusive : StackingModes.Combinable,
            CombinedCapPercent = !exclusive && cap >= 0 ? cap : null,
            MaxPerLine = maxPerLine,
            MaxPerOrder = maxPerOrder,
        };

    private static readonly Gen<(PricingRequest Cart, PricingRules Rules, int Seed)> Scenario =
        from currency in Currency
        from lines in LinesIn(currency)
        from discounts in Rule(currency).Array[0, 14]
        from lineLimit in Gen.Int[-100, 100]
        from orderLimit in Gen.Int[-100, 100]
        from freeDeliveryUnits in MinorUnits(300_000)
        from signedIn in Gen.Bool
        from codeEntered in Gen.Bool
        from seed in Gen.Int
        select (
            new PricingRequest
            {
                Currency = currency,
                Lines = lines,
                Customer = new PricingCustomer { CustomerId = signedIn ? Customer : null, SignedIn = signedIn },
                PromoCodes = codeEntered ? [new PromoCodeUsage { Code = "PROP" }] : [],
            },
            new PricingRules
            {
                // Every fifth rule hides behind the promo code, which the cart may or may not carry.
                Discounts = discounts.Select((rule, i) => rule with { Id = $"rule-{i:D2}", Name = $"rule {i}", PromoCode = i % 5 == 4 ? "PROP" : null }).ToArray(),
                PromoCodes = [new PromoCode { Code = "PROP" }],
                FreeDelivery =
                [
                    new FreeDeliveryRule { Id = "free-seller", Name = "free per seller", Threshold = new Money(InMinorUnits(freeDeliveryUnits, currency), currency) },
                    new FreeDeliveryRule { Id = "free-order", Name = "free order", AppliesTo = FreeDeliveryScopes.Order, Threshold = new Money(InMinorUnits(freeDeliveryUnits * 2, currency), currency) },
                ],
                Limits = new DiscountLimits
                {
                    MaxLineDiscountPercent = lineLimit >= 0 ? lineLimit : null,
                    MaxOrderDiscountPercent = orderLimit >= 0 ? orderLimit : null,
                },
            },
            seed);

    [Fact]
    public void No_line_and_no_total_is_ever_negative() =>
        Scenario.Sample(s =>
        {
            var priced = PricingEngine.Price(s.Cart, s.Rules, Now);
            Assert.All(priced.Lines, l => Assert.True(l.Total.Amount >= 0m, $"line {l.LineId} went to {l.Total}"));
            Assert.All(priced.Lines.SelectMany(l => l.Discounts), d => Assert.True(d.Amount.Amount > 0m, $"{d.RuleId} gave {d.Amount}"));
            Assert.True(priced.Total.Amount >= 0m);
        }, iter: Iterations);

    [Fact]
    public void Line_totals_add_up_exactly_to_the_order_total() =>
        Scenario.Sample(s =>
        {
            var priced = PricingEngine.Price(s.Cart, s.Rules, Now);
            Assert.Equal(priced.Total.Amount, priced.Lines.Sum(l => l.Total.Amount));
            Assert.Equal(priced.Total.Amount, priced.Subtotal.Amount - priced.Discount.Amount);
            Assert.Equal(priced.Discount.Amount, priced.Lines.Sum(l => l.Discounts.Sum(d => d.Amount.Amount)));
            Assert.Equal(priced.Discount.Amount, priced.Discounts.Sum(d => d.Amount.Amount));
            Assert.Equal(priced.Total.Amount, priced.Sellers.Sum(g => g.Total.Amount));
            Assert.All(priced.Lines, l => Assert.True(Currencies.FitsMinorUnits(l.Total.Amount, priced.Currency), $"{l.Total} has more decimals than {priced.Currency}"));
        }, iter: Iterations);

    [Fact]
    public void Pricing_twice_gives_the_same_result() =>
        Scenario.Sample(s =>
        {
            var first = Explained(PricingEngine.Price(s.Cart, s.Rules, Now));
            var again = Explained(PricingEngine.Price(s.Cart, s.Rules, Now));
            var freshCopy = JsonSerializer.Deserialize<PricingRules>(JsonSerializer.Serialize(s.Rules, Json), Json)!;
            Assert.Equal(first, again);
            Assert.Equal(first, Explained(PricingEngine.Price(s.Cart, freshCopy, Now)));
        }, iter: Iterations);

    [Fact]
    public void The_order_of_rules_in_the_document_does_not_change_the_result() =>
        Scenario.Sample(s =>
        {
            var shuffled = s.Rules.Discounts.ToArray();
            new Random(s.Seed).Shuffle(shuffled);
            var reversedDelivery = s.Rules.FreeDelivery.Reverse().ToArray();
            Assert.Equal(
                Explained(PricingEngine.Price(s.Cart, s.Rules, Now)),
                Explained(PricingEngine.Price(s.Cart, s.Rules with { Discounts = shuffled, FreeDelivery = reversedDelivery }, Now)));
        }, iter: Iterations);
}
