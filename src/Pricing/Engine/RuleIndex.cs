using System.Runtime.CompilerServices;
using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>
/// Everything the engine can work out from a rule set alone, built once per <see cref="PricingRules"/> instance:
/// rules ordered by priority, and indexed by the scope dimension that selects fewest lines, so a line meets only the
/// rules that could match it instead of all of them.
/// </summary>
internal sealed class RuleIndex
{
    // Keyed by instance identity and collected with it: pricing stays a function of its arguments to the caller.
    private static readonly ConditionalWeakTable<PricingRules, RuleIndex> Built = new();

    private static readonly Dictionary<string, RuleKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        [DiscountKinds.Percentage] = RuleKind.Percentage,
        [DiscountKinds.Fixed] = RuleKind.Fixed,
        [DiscountKinds.CartThreshold] = RuleKind.CartThreshold,
        [DiscountKinds.BuyXGetY] = RuleKind.BuyXGetY,
        [DiscountKinds.Bundle] = RuleKind.Bundle,
    };

    private readonly Dictionary<Guid, List<int>> _bySku = new();
    private readonly Dictionary<Guid, List<int>> _byProduct = new();
    private readonly Dictionary<Guid, List<int>> _byCategory = new();
    private readonly Dictionary<Guid, List<int>> _byBrand = new();
    private readonly Dictionary<Guid, List<int>> _bySeller = new();
    private readonly List<int> _unscoped = [];

    private RuleIndex(PricingRules rules)
    {
        Discounts = OrderByPriority(rules.Discounts ?? []);
        foreach (var rule in Discounts)
        {
            Register(rule);
        }

        Unscoped = [.. _unscoped];

        PromoCodes = (rules.PromoCodes ?? [])
            .Select(p => (Key: PromoCodeMatching.Key(p.Code), Promo: p))
            .Where(p => p.Key is not null)
            .GroupBy(p => p.Key!, PromoCodeMatching.Comparer)
            .ToDictionary(g => g.Key, g => g.First().Promo, PromoCodeMatching.Comparer);
        RulesByPromoCode = Discounts
            .Where(d => d.PromoCode is not null)
            .GroupBy(d => d.PromoCode!, PromoCodeMatching.Comparer)
            .ToDictionary(g => g.Key, g => g.Select(d => d.Rank).ToArray(), PromoCodeMatching.Comparer);
        CustomerLists = (rules.CustomerLists ?? [])
            .Where(l => l.Id is not null)
            .GroupBy(l => l.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(l => l.CustomerIds ?? []).ToHashSet(), StringComparer.Ordinal);
        FreeDelivery = (rules.FreeDelivery ?? [])
            .OrderBy(f => f.Id, StringComparer.Ordinal)
            .Select(f => new CompiledFreeDelivery(
                f,
                string.Equals(f.AppliesTo, FreeDeliveryScopes.Order, StringComparison.OrdinalIgnoreCase),
                f.Sellers is { Count: > 0 } ? [.. f.Sellers] : null))
            .ToArray();
        Limits = rules.Limits;
    }

    /// <summary>Discount rules by rank: priority descending, then id, so the document's order never matters.</summary>
    public CompiledDiscount[] Discounts { get; }

    public IReadOnlyDictionary<string, PromoCode> PromoCodes { get; }

    public IReadOnlyDictionary<string, int[]> RulesByPromoCode { get; }

    public IReadOnlyDictionary<string, HashSet<Guid>> CustomerLists { get; }

    public CompiledFreeDelivery[] FreeDelivery { get; }

    public DiscountLimits? Limits { get; }

    /// <summary>Ranks of the rules with an empty scope, which every line is in.</summary>
    public int[] Unscoped { get; }

    public static RuleIndex For(PricingRules rules) => Built.GetValue(rules, static r => new RuleIndex(r));

    /// <summary>Adds the rank of every rule that may match the line to <paramref name="ranks"/>, possibly twice.</summary>
    public void CollectCandidates(PricingLine line, List<int> ranks)
    {
        Collect(_bySku, line.SkuId, ranks);
        Collect(_byProduct, line.ProductId, ranks);
        Collect(_bySeller, line.SellerId, ranks);
        if (line.BrandId is { } brand)
        {
            Collect(_byBrand, brand, ranks);
        }

        Collect(_byCategory, line.CategoryId, ranks);
        var ancestors = line.CategoryAncestorIds;
        for (var k = 0; k < ancestors.Count; k++)
        {
            Collect(_byCategory, ancestors[k], ranks);
        }
    }

    private static void Collect(Dictionary<Guid, List<int>> index, Guid key, List<int> ranks)
    {
        if (index.TryGetValue(key, out var found))
        {
            ranks.AddRange(found);
        }
    }

    private static CompiledDiscount[] OrderByPriority(IReadOnlyList<DiscountRule> rules)
    {
        var known = rules
            .Where(r => r is not null && r.Kind is not null && Kinds.ContainsKey(r.Kind))
            .OrderByDescending(r => r.Priority)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        var compiled = new CompiledDiscount[known.Count];
        for (var rank = 0; rank < known.Count; rank++)
        {
            compiled[rank] = Compile(known[rank], rank);
        }

        return compiled;
    }

    private static CompiledDiscount Compile(DiscountRule rule, int rank)
    {
        var scope = rule.Scope ?? new DiscountScope();
        var exclusive = string.Equals(rule.Stacking, StackingModes.Exclusive, StringComparison.OrdinalIgnoreCase);
        var kind = Kinds[rule.Kind];
        return new CompiledDiscount
        {
            Source = rule,
            Rank = rank,
            Kind = kind,
            Exclusive = exclusive,
            Fraction = rule.Percent / 100m,
            CombinedCapFraction = exclusive ? null : rule.CombinedCapPercent / 100m,
            Currency = RuleCurrency(rule),
            PromoCode = PromoCodeMatching.Key(rule.PromoCode),
            Skus = SetOrNull(scope.Skus),
            Products = SetOrNull(scope.Products),
            Categories = SetOrNull(scope.Categories),
            Brands = SetOrNull(scope.Brands),
            Sellers = SetOrNull(scope.Sellers),
            BundleItems = [.. rule.Items ?? []],
            NeedsMatching = kind != RuleKind.Bundle
                && new[] { scope.Skus, scope.Products, scope.Categories, scope.Brands, scope.Sellers }.Count(ids => ids is { Count: > 0 }) > 1,
        };
    }

    private static string? RuleCurrency(DiscountRule rule)
    {
        Money?[] amounts = [rule.AmountOff, rule.Threshold, rule.BundlePrice, rule.MaxPerLine, rule.MaxPerOrder];
        var first = amounts.FirstOrDefault(m => m is { Currency: not null });
        return first is { } money ? Currencies.Normalize(money.Currency) : null;
    }

    private static HashSet<Guid>? SetOrNull(IReadOnlyList<Guid>? ids) => ids is { Count: > 0 } ? [.. ids] : null;

    /// <summary>Indexes a rule under one dimension it requires (the most selective), or as unscoped.</summary>
    private void Register(CompiledDiscount rule)
    {
        if (rule.Kind == RuleKind.Bundle)
        {
            foreach (var item in rule.BundleItems)
            {
                if (item.Sku is { } sku)
                {
                    Add(_bySku, sku, rule.Rank);
                }

                if (item.Product is { } product)
                {
                    Add(_byProduct, product, rule.Rank);
                }
            }

            return;
        }

        var (index, keys) = rule switch
        {
            { Skus: { } skus } => (_bySku, skus),
            { Products: { } products } => (_byProduct, products),
            { Brands: { } brands } => (_byBrand, brands),
            { Categories: { } categories } => (_byCategory, categories),
            { Sellers: { } sellers } => (_bySeller, sellers),
            _ => (null, null),
        };
        if (index is null)
        {
            _unscoped.Add(rule.Rank);
            return;
        }

        foreach (var key in keys!)
        {
            Add(index, key, rule.Rank);
        }
    }

    private static void Add(Dictionary<Guid, List<int>> index, Guid key, int rank)
    {
        if (!index.TryGetValue(key, out var ranks))
        {
            index[key] = ranks = [];
        }

        // Ranks are registered in ascending order, so each list stays sorted; a bundle may name one key twice.
        if (ranks.Count == 0 || ranks[^1] != rank)
        {
            ranks.Add(rank);
        }
    }
}
