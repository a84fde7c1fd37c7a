using FluentValidation.Results;
using Marketplace.Platform;

namespace Marketplace.Pricing;

/// <summary>The checks of <c>discounts</c>: each rule's fields for its kind, and what rules say about each other.</summary>
internal static class DiscountRuleChecks
{
    /// <summary>Per kind: the fields it needs, the pair of which it needs exactly one, and the fields it may carry.</summary>
    private static readonly Dictionary<string, (string[] Required, string[] OneOf, string[] Optional)> FieldsOf = new()
    {
        [DiscountKinds.Percentage] = (["percent"], [], []),
        [DiscountKinds.Fixed] = (["amountOff"], [], []),
        [DiscountKinds.CartThreshold] = (["threshold"], ["percent", "amountOff"], []),
        [DiscountKinds.BuyXGetY] = (["buy", "get"], [], ["percent"]),
        [DiscountKinds.Bundle] = (["items"], ["bundlePrice", "percent"], []),
    };

    public static List<ValidationFailure> Check(PricingRules rules)
    {
        var failures = new List<ValidationFailure>();
        var discounts = rules.Discounts ?? [];
        var knownLists = RuleFieldChecks.CustomerListIds(rules);
        var knownCodes = (rules.PromoCodes ?? []).Where(p => p?.Code is not null).Select(p => p.Code.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < discounts.Count; i++)
        {
            var path = $"discounts[{i}]";
            if (discounts[i] is null)
            {
                failures.Add(new ValidationFailure(path, "A discount rule must not be null."));
                continue;
            }

            CheckRule(discounts[i], path, failures);
            failures.AddRange(RuleFieldChecks.Segment(discounts[i].Segment, $"{path}.segment", knownLists));
            if (discounts[i].PromoCode is { } code && !knownCodes.Contains(code.Trim()))
            {
                failures.Add(new ValidationFailure($"{path}.promoCode", $"Unknown promo code '{code}': define it under promoCodes."));
            }
        }

        DuplicateIds(rules, failures);
        AmbiguousExclusives(discounts, failures);
        return failures;
    }

    private static void CheckRule(DiscountRule rule, string path, List<ValidationFailure> failures)
    {
        RuleFieldChecks.IdAndName(rule.Id, rule.Name, path, failures);
        if (!RuleFieldChecks.IsOneOf(rule.Stacking, StackingModes.All))
        {
            failures.Add(RuleFieldChecks.UnknownName($"{path}.stacking", "stacking mode", rule.Stacking, StackingModes.All));
        }
        else if (rule.CombinedCapPercent is not null && string.Equals(rule.Stacking, StackingModes.Exclusive, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add(new ValidationFailure($"{path}.combinedCapPercent", "combinedCapPercent applies only to combinable rules."));
        }

        if (!RuleFieldChecks.IsPercent(rule.Percent))
        {
            failures.Add(new ValidationFailure($"{path}.percent", RuleFieldChecks.PercentMessage("percent")));
        }

        if (!RuleFieldChecks.IsPercent(rule.CombinedCapPercent))
        {
            failures.Add(new ValidationFailure($"{path}.combinedCapPercent", RuleFieldChecks.PercentMessage("combinedCapPercent")));
        }

        string? currency = null;
        foreach (var (field, money) in Amounts(rule))
        {
            RuleFieldChecks.Money(money, $"{path}.{field}", currency, failures);
            currency ??= Currencies.IsSupported(money.Currency) ? money.Currency : null;
        }

        failures.AddRange(RuleFieldChecks.Window(rule.Window, $"{path}.window"));
        if (!RuleFieldChecks.IsOneOf(rule.Kind, DiscountKinds.All))
        {
            failures.Add(RuleFieldChecks.UnknownName($"{path}.kind", "rule kind", rule.Kind, DiscountKinds.All));
            return;
        }

        KindFields(rule, path, failures);
    }

    private static IEnumerable<(string Field, Money Money)> Amounts(DiscountRule rule)
    {
        (string, Money?)[] amounts =
        [
            ("amountOff", rule.AmountOff), ("threshold", rule.Threshold), ("bundlePrice", rule.BundlePrice),
            ("maxPerLine", rule.MaxPerLine), ("maxPerOrder", rule.MaxPerOrder),
        ];
        return amounts.Where(a => a.Item2 is not null).Select(a => (a.Item1, a.Item2!.Value));
    }

    /// <summary>Which fields each kind needs and which it must not carry, so a misplaced field is not silently ignored.</summary>
    private static void KindFields(DiscountRule rule, string path, List<ValidationFailure> failures)
    {
        var kind = DiscountKinds.All.First(k => string.Equals(k, rule.Kind, StringComparison.OrdinalIgnoreCase));
        var present = new Dictionary<string, bool>
        {
            ["percent"] = rule.Percent is not null,
            ["amountOff"] = rule.AmountOff is not null,
            ["threshold"] = rule.Threshold is not null,
            ["buy"] = rule.Buy is not null,
            ["get"] = rule.Get is not null,
            ["items"] = rule.Items is { Count: > 0 },
            ["bundlePrice"] = rule.BundlePrice is not null,
        };
        var (required, oneOf, optional) = FieldsOf[kind];
        foreach (var field in required.Where(f => !present[f]))
        {
            failures.Add(new ValidationFailure($"{path}.{field}", $"A {kind} rule needs {field}."));
        }

        if (oneOf.Length > 0 && oneOf.Count(f => present[f]) != 1)
        {
            failures.Add(new ValidationFailure($"{path}.{oneOf[0]}", $"A {kind} rule needs exactly one of {string.Join(" or ", oneOf)}."));
        }

        foreach (var field in present.Keys.Where(f => present[f] && !required.Contains(f) && !oneOf.Contains(f) && !optional.Contains(f)))
        {
            failures.Add(new ValidationFailure($"{path}.{field}", $"{field} does not apply to a {kind} rule."));
        }

        if (rule.Buy < 1)
        {
            failures.Add(new ValidationFailure($"{path}.buy", "buy must be at least 1."));
        }

        if (rule.Get < 1)
        {
            failures.Add(new ValidationFailure($"{path}.get", "get must be at least 1."));
        }

        if (kind == DiscountKinds.Bundle)
        {
            BundleItems(rule, path, failures);
        }
    }

    private static void BundleItems(DiscountRule rule, string path, List<ValidationFailure> failures)
    {
        if (ScopeOf(rule).Any(ids => ids.Count > 0))
        {
            failures.Add(new ValidationFailure($"{path}.scope", "A bundle's scope is its items: leave scope empty."));
        }

        var items = rule.Items ?? [];
        for (var j = 0; j < items.Count; j++)
        {
            var item = items[j];
            if (item is null || (item.Sku is null) == (item.Product is null))
            {
                failures.Add(new ValidationFailure($"{path}.items[{j}]", "A bundle item names either a sku or a product."));
            }
            else if (item.Quantity < 1)
            {
                failures.Add(new ValidationFailure($"{path}.items[{j}].quantity", "quantity must be at least 1."));
            }
        }
    }

    private static IEnumerable<IReadOnlyList<Guid>> ScopeOf(DiscountRule rule)
    {
        var scope = rule.Scope ?? new DiscountScope();
        return new[] { scope.Skus, scope.Products, scope.Categories, scope.Brands, scope.Sellers }.Select(ids => ids ?? []);
    }

    private static void DuplicateIds(PricingRules rules, List<ValidationFailure> failures)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = (rules.Discounts ?? []).Select((d, i) => (d?.Id, Path: $"discounts[{i}]"))
            .Concat((rules.FreeDelivery ?? []).Select((f, i) => (f?.Id, Path: $"freeDelivery[{i}]")));
        foreach (var (id, path) in ids)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                continue;
            }

            if (!seen.TryAdd(id, path))
            {
                failures.Add(new ValidationFailure($"{path}.id", $"Duplicate id '{id}', also used by {seen[id]}."));
            }
        }
    }

    /// <summary>Two exclusive rules of one priority that can meet on a line at one instant: which applies would be arbitrary.</summary>
    private static void AmbiguousExclusives(IReadOnlyList<DiscountRule> discounts, List<ValidationFailure> failures)
    {
        var exclusives = discounts
            .Select((rule, index) => (Rule: rule, Index: index))
            .Where(r => r.Rule is not null
                && string.Equals(r.Rule.Stacking, StackingModes.Exclusive, StringComparison.OrdinalIgnoreCase)
                && RuleFieldChecks.IsOneOf(r.Rule.Kind, DiscountKinds.All))
            .GroupBy(r => r.Rule.Priority);
        foreach (var samePriority in exclusives)
        {
            var group = samePriority.ToList();
            for (var a = 0; a < group.Count; a++)
            {
                for (var b = a + 1; b < group.Count; b++)
                {
                    var (first, second) = (group[a], group[b]);
                    if (WindowsOverlap(first.Rule.Window, second.Rule.Window)
                        && SegmentsOverlap(first.Rule.Segment, second.Rule.Segment)
                        && CurrenciesOverlap(first.Rule, second.Rule)
                        && ScopesOverlap(first.Rule, second.Rule))
                    {
                        failures.Add(new ValidationFailure(
                            $"discounts[{second.Index}].stacking",
                            $"Exclusive rules '{first.Rule.Id}' (discounts[{first.Index}]) and '{second.Rule.Id}' (discounts[{second.Index}]) " +
                            $"have the same priority {first.Rule.Priority} and overlapping scopes and time windows: give one a higher priority."));
                    }
                }
            }
        }
    }

    private static bool WindowsOverlap(TimeWindow? a, TimeWindow? b) =>
        (a?.From is not { } aFrom || b?.To is not { } bTo || aFrom < bTo)
        && (b?.From is not { } bFrom || a?.To is not { } aTo || bFrom < aTo);

    private static bool SegmentsOverlap(CustomerSegment? a, CustomerSegment? b) =>
        !(a?.NewCustomer is { } aNew && b?.NewCustomer is { } bNew && aNew != bNew)
        && !(a?.SignedIn is { } aSigned && b?.SignedIn is { } bSigned && aSigned != bSigned);

    private static bool CurrenciesOverlap(DiscountRule a, DiscountRule b)
    {
        var aCurrency = Amounts(a).Select(m => m.Money.Currency).FirstOrDefault();
        var bCurrency = Amounts(b).Select(m => m.Money.Currency).FirstOrDefault();
        return aCurrency is null || bCurrency is null || string.Equals(aCurrency, bCurrency, StringComparison.OrdinalIgnoreCase);
    }

    private static bool ScopesOverlap(DiscountRule a, DiscountRule b) =>
        LineShapes(a).Any(shapeA => LineShapes(b).Any(shapeB => shapeA.MayShareLineWith(shapeB)));

    /// <summary>A rule's scope as alternatives a line may match: one for a scoped rule, one per item for a bundle.</summary>
    private static IEnumerable<LineShape> LineShapes(DiscountRule rule)
    {
        if (string.Equals(rule.Kind, DiscountKinds.Bundle, StringComparison.OrdinalIgnoreCase))
        {
            return (rule.Items ?? []).Where(i => i is not null).Select(i => new LineShape(
                i.Sku is { } sku ? [sku] : [], i.Product is { } product ? [product] : [], [], [], []));
        }

        var scope = rule.Scope ?? new DiscountScope();
        return [new LineShape(scope.Skus ?? [], scope.Products ?? [], scope.Categories ?? [], scope.Brands ?? [], scope.Sellers ?? [])];
    }

    private sealed record LineShape(
        IReadOnlyList<Guid> Skus, IReadOnlyList<Guid> Products, IReadOnlyList<Guid> Categories, IReadOnlyList<Guid> Brands, IReadOnlyList<Guid> Sellers)
    {
        /// <summary>A line has one SKU, product, category, brand and seller: two shapes listing disjoint ids in one dimension cannot meet.</summary>
        public bool MayShareLineWith(LineShape other) =>
            MayMeet(Skus, other.Skus) && MayMeet(Products, other.Products) && MayMeet(Categories, other.Categories)
            && MayMeet(Brands, other.Brands) && MayMeet(Sellers, other.Sellers);

        private static bool MayMeet(IReadOnlyList<Guid> a, IReadOnlyList<Guid> b) => a.Count == 0 || b.Count == 0 || a.Intersect(b).Any();
    }
}
