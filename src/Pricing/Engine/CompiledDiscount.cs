namespace Marketplace.Pricing.Engine;

internal enum RuleKind
{
    Percentage,
    Fixed,
    CartThreshold,
    BuyXGetY,
    Bundle,
}

/// <summary>A discount rule read once into the shape the engine needs: kind resolved, scope as sets.</summary>
internal sealed class CompiledDiscount
{
    public required DiscountRule Source { get; init; }

    public required int Rank { get; init; }

    public required RuleKind Kind { get; init; }

    public required bool Exclusive { get; init; }

    /// <summary>The one currency the rule's amounts are in, or null when it has none (percent-only rules).</summary>
    public string? Currency { get; init; }

    /// <summary>The code that unlocks the rule, as <see cref="PromoCodeMatching.Key"/> keys it; null when none does.</summary>
    public string? PromoCode { get; init; }

    /// <summary><c>percent</c> as a fraction, worked out once: pricing multiplies by it on every line.</summary>
    public decimal? Fraction { get; init; }

    /// <summary><c>combinedCapPercent</c> as a fraction, for combinable rules only.</summary>
    public decimal? CombinedCapFraction { get; init; }

    public HashSet<Guid>? Skus { get; init; }

    public HashSet<Guid>? Products { get; init; }

    public HashSet<Guid>? Categories { get; init; }

    public HashSet<Guid>? Brands { get; init; }

    public HashSet<Guid>? Sellers { get; init; }

    public BundleItem[] BundleItems { get; init; } = [];

    /// <summary>
    /// False when the index alone decides the match: a bundle (indexed by its items) or a rule scoped by a single
    /// dimension (indexed by it). True for rules scoped by several dimensions, which the index selects by one.
    /// </summary>
    public bool NeedsMatching { get; init; }

    public string Id => Source.Id;

    public string Name => Source.Name;

    public string KindName => Source.Kind;

    public bool Matches(PricingLine line)
    {
        if (Kind == RuleKind.Bundle)
        {
            foreach (var item in BundleItems)
            {
                if (BundleItemMatches(item, line))
                {
                    return true;
                }
            }

            return false;
        }

        return (Skus is null || Skus.Contains(line.SkuId))
            && (Products is null || Products.Contains(line.ProductId))
            && (Brands is null || (line.BrandId is { } brand && Brands.Contains(brand)))
            && (Sellers is null || Sellers.Contains(line.SellerId))
            && (Categories is null || InCategory(line));
    }

    public static bool BundleItemMatches(BundleItem item, PricingLine line) =>
        (item.Sku is { } sku && sku == line.SkuId) || (item.Product is { } product && product == line.ProductId);

    private bool InCategory(PricingLine line)
    {
        if (Categories!.Contains(line.CategoryId))
        {
            return true;
        }

        // Indexed, not foreach: enumerating through the interface would allocate once per line and rule.
        var ancestors = line.CategoryAncestorIds;
        for (var k = 0; k < ancestors.Count; k++)
        {
            if (Categories.Contains(ancestors[k]))
            {
                return true;
            }
        }

        return false;
    }
}
