using BenchmarkDotNet.Attributes;
using Marketplace.Platform;

namespace Marketplace.Pricing.Benchmarks;

/// <summary>
/// The target: a 50-line cart priced against 500 active rules, median under 200 µs. The rule set mixes every
/// kind and scope the way a busy marketing calendar would; it is generated from a fixed seed, so every run prices the
/// same cart against the same rules.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CartPricingBenchmarks
{
    private const int RuleCount = 500;
    private const int LineCount = 50;
    private static readonly DateTimeOffset Now = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);

    private PricingRules _rules = new();
    private PricingRequest _cart = new() { Currency = "EUR" };

    [GlobalSetup]
    public void Setup()
    {
        var catalog = new BenchmarkCatalog(seed: 42);
        _rules = catalog.ActiveRules(RuleCount, Now);
        _cart = catalog.Cart(LineCount);
        var validation = new PricingRulesValidator().Validate(_rules);
        if (!validation.IsValid)
        {
            throw new InvalidOperationException("The benchmark's rule set must be one the validator accepts: " + validation.Errors[0]);
        }

        // The rule-set index is built once per rules instance, as it is when rules come from configuration.
        PricingEngine.Price(_cart, _rules, Now);
    }

    [Benchmark(Description = "50 lines x 500 active rules")]
    public PricedCart PriceCart() => PricingEngine.Price(_cart, _rules, Now);

    [Benchmark(Description = "same, on a rules instance seen for the first time (index built)")]
    public PricedCart PriceCartWithNewRules() => PricingEngine.Price(_cart, _rules with { }, Now);
}

/// <summary>A synthetic catalog (category tree, brands, sellers, products with two SKUs) and rules over it.</summary>
internal sealed class BenchmarkCatalog
{
    private readonly Random _random;
    private readonly List<(Guid Id, Guid[] Ancestors)> _categories = [];
    private readonly Guid[] _brands;
    private readonly Guid[] _sellers;
    private readonly (Guid Id, Guid[] Skus, int Category, int Brand, int Seller, decimal Price)[] _products;

    public BenchmarkCatalog(int seed)
    {
        _random = new Random(seed);
        for (var root = 0; root < 6; root++)
        {
            var rootId = NewId();
            _categories.Add((rootId, []));
            for (var child = 0; child < 3; child++)
            {
                var childId = NewId();
                _categories.Add((childId, [rootId]));
                for (var leaf = 0; leaf < 3; leaf++)
                {
                    _categories.Add((NewId(), [childId, rootId]));
                }
            }
        }

        _brands = Enumerable.Range(0, 40).Select(_ => NewId()).ToArray();
        _sellers = Enumerable.Range(0, 20).Select(_ => NewId()).ToArray();
        var leaves = Enumerable.Range(0, _categories.Count).Where(i => _categories[i].Ancestors.Length == 2).ToArray();
        _products = Enumerable.Range(0, 2000)
            .Select(_ => (NewId(), new[] { NewId(), NewId() }, leaves[_random.Next(leaves.Length)], _random.Next(_brands.Length), _random.Next(_sellers.Length), _random.Next(100, 50_000) / 100m))
            .ToArray();
    }

    public PricingRequest Cart(int lines) => new()
    {
        Currency = "EUR",
        Customer = new PricingCustomer { CustomerId = NewId(), SignedIn = true },
        PromoCodes = [new PromoCodeUsage { Code = "SUMMER", TimesUsed = 10 }],
        Lines = Enumerable.Range(0, lines).Select(_ =>
        {
            var product = _products[_random.Next(_products.Length)];
            var category = _categories[product.Category];
            return new PricingLine
            {
                LineId = NewId(),
                OfferId = NewId(),
                SellerId = _sellers[product.Seller],
                SkuId = product.Skus[_random.Next(2)],
                ProductId = product.Id,
                CategoryId = category.Id,
                CategoryAncestorIds = category.Ancestors,
                BrandId = _brands[product.Brand],
                UnitListPrice = new Money(product.Price, "EUR"),
                Quantity = _random.Next(1, 4),
            };
        }).ToArray(),
    };

    public PricingRules ActiveRules(int count, DateTimeOffset now)
    {
        var window = new TimeWindow { From = now.AddDays(-10), To = now.AddDays(10) };
        var discounts = new List<DiscountRule>(count);
        for (var i = 0; i < count; i++)
        {
            var rule = new DiscountRule
            {
                Id = $"rule-{i:D3}",
                Name = $"Rule {i}",
                Kind = DiscountKinds.Percentage,
                Percent = _random.Next(1, 30),
                Priority = _random.Next(0, 100),
                Window = window,
                CombinedCapPercent = i % 4 == 0 ? 40m : null,
            };
            discounts.Add((i % 10) switch
            {
                0 or 1 or 2 or 3 => rule with { Scope = new DiscountScope { Categories = [RandomCategory()] } },
                4 => rule with { Scope = new DiscountScope { Brands = [_brands[_random.Next(_brands.Length)]] } },
                5 => rule with { Kind = DiscountKinds.Fixed, Percent = null, AmountOff = Eur(_random.Next(1, 10)), Scope = new DiscountScope { Products = [RandomProduct().Id] } },
                6 => rule with { Scope = new DiscountScope { Sellers = [_sellers[_random.Next(_sellers.Length)]], Categories = [RandomCategory()] }, Segment = new CustomerSegment { SignedIn = true } },
                7 => rule with { Kind = DiscountKinds.CartThreshold, Threshold = Eur(_random.Next(50, 2000)), Scope = new DiscountScope { Categories = [RandomCategory()] } },
                8 => rule with { Kind = DiscountKinds.BuyXGetY, Percent = null, Buy = 2, Get = 1, Scope = new DiscountScope { Categories = [RandomCategory()] } },
                _ => rule with
                {
                    Kind = DiscountKinds.Bundle,
                    Items = [new BundleItem { Product = RandomProduct().Id }, new BundleItem { Product = RandomProduct().Id }],
                },
            });
        }

        // A few exclusive rules, each alone at its priority so that none is ambiguous, and one behind a promo code.
        for (var i = 0; i < count / 25; i++)
        {
            discounts[i * 25] = discounts[i * 25] with { Stacking = StackingModes.Exclusive, Priority = 100 + i, CombinedCapPercent = null };
        }

        discounts[7] = discounts[7] with { PromoCode = "SUMMER" };
        return new PricingRules
        {
            Discounts = discounts,
            PromoCodes = [new PromoCode { Code = "SUMMER", Window = window, MaxUses = 1000 }],
            FreeDelivery =
            [
                new FreeDeliveryRule { Id = "free-over-50", Name = "Free delivery over 50", Threshold = Eur(50m) },
                new FreeDeliveryRule { Id = "free-order-over-500", Name = "Free delivery over 500", AppliesTo = FreeDeliveryScopes.Order, Threshold = Eur(500m) },
            ],
            Limits = new DiscountLimits { MaxLineDiscountPercent = 70m, MaxOrderDiscountPercent = 50m },
        };
    }

    // Ids come from the seeded generator too, so that every run prices the very same cart.
    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private Guid RandomCategory() => _categories[_random.Next(_categories.Count)].Id;

    private (Guid Id, Guid[] Skus, int Category, int Brand, int Seller, decimal Price) RandomProduct() => _products[_random.Next(_products.Length)];

    private static Money Eur(decimal amount) => new(amount, "EUR");
}
