using FluentValidation;
using FluentValidation.Results;
using Marketplace.Platform;

namespace Marketplace.Pricing;

/// <summary>
/// Checks a "pricing" document before it takes effect. Each failure names the JSON path of the field
/// (<c>discounts[2].percent</c>) so marketing can find it. Cross-references are checked too: promo codes and
/// customer lists a rule names must be defined, ids must be unique, and two exclusive rules of the same priority
/// must not be able to meet on one line in one instant, because which one applied would then be arbitrary.
/// </summary>
/// <remarks>
/// The validator does not know the category tree: exclusive rules on two different categories are taken as
/// disjoint even when one category is inside the other; the engine then settles the tie by rule id.
/// </remarks>
public sealed class PricingRulesValidator : AbstractValidator<PricingRules>
{
    public PricingRulesValidator()
    {
        // The paths are built by hand: they must be the JSON paths of the document, which FluentValidation's own
        // naming (PascalCase, by expression) would not give.
        RuleFor(rules => rules.Discounts).Custom((_, context) => Report(context, DiscountRuleChecks.Check(context.InstanceToValidate)));
        RuleFor(rules => rules.PromoCodes).Custom((_, context) => Report(context, PromoCodeChecks(context.InstanceToValidate)));
        RuleFor(rules => rules.CustomerLists).Custom((_, context) => Report(context, CustomerListChecks(context.InstanceToValidate)));
        RuleFor(rules => rules.FreeDelivery).Custom((_, context) => Report(context, FreeDeliveryChecks(context.InstanceToValidate)));
        RuleFor(rules => rules.Limits).Custom((limits, context) => Report(context, LimitChecks(limits)));
    }

    private static void Report(ValidationContext<PricingRules> context, IEnumerable<ValidationFailure> failures)
    {
        foreach (var failure in failures)
        {
            context.AddFailure(failure);
        }
    }

    private static IEnumerable<ValidationFailure> PromoCodeChecks(PricingRules rules)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var codes = rules.PromoCodes ?? [];
        for (var i = 0; i < codes.Count; i++)
        {
            var path = $"promoCodes[{i}]";
            var promo = codes[i];
            if (promo is null)
            {
                yield return new ValidationFailure(path, "A promo code must not be null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(promo.Code))
            {
                yield return new ValidationFailure($"{path}.code", "The code is required.");
            }
            else if (seen.TryGetValue(promo.Code.Trim(), out var first))
            {
                yield return new ValidationFailure($"{path}.code", $"Duplicate promo code '{promo.Code}', also defined at promoCodes[{first}] (codes ignore case).");
            }
            else
            {
                seen[promo.Code.Trim()] = i;
            }

            foreach (var failure in RuleFieldChecks.Window(promo.Window, $"{path}.window"))
            {
                yield return failure;
            }

            if (promo.MaxUses < 0)
            {
                yield return new ValidationFailure($"{path}.maxUses", "maxUses must not be negative.");
            }

            if (promo.MaxUsesPerCustomer < 0)
            {
                yield return new ValidationFailure($"{path}.maxUsesPerCustomer", "maxUsesPerCustomer must not be negative.");
            }
        }
    }

    private static IEnumerable<ValidationFailure> CustomerListChecks(PricingRules rules)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lists = rules.CustomerLists ?? [];
        for (var i = 0; i < lists.Count; i++)
        {
            var path = $"customerLists[{i}]";
            if (lists[i] is null)
            {
                yield return new ValidationFailure(path, "A customer list must not be null.");
            }
            else if (string.IsNullOrWhiteSpace(lists[i].Id))
            {
                yield return new ValidationFailure($"{path}.id", "The list's id is required.");
            }
            else if (!seen.TryAdd(lists[i].Id, i))
            {
                yield return new ValidationFailure($"{path}.id", $"Duplicate customer list '{lists[i].Id}', also defined at customerLists[{seen[lists[i].Id]}].");
            }
        }
    }

    private static IEnumerable<ValidationFailure> FreeDeliveryChecks(PricingRules rules)
    {
        var knownLists = RuleFieldChecks.CustomerListIds(rules);
        var thresholds = rules.FreeDelivery ?? [];
        for (var i = 0; i < thresholds.Count; i++)
        {
            var path = $"freeDelivery[{i}]";
            var rule = thresholds[i];
            if (rule is null)
            {
                yield return new ValidationFailure(path, "A free-delivery rule must not be null.");
                continue;
            }

            var failures = new List<ValidationFailure>();
            RuleFieldChecks.IdAndName(rule.Id, rule.Name, path, failures);
            if (!RuleFieldChecks.IsOneOf(rule.AppliesTo, FreeDeliveryScopes.All))
            {
                failures.Add(RuleFieldChecks.UnknownName($"{path}.appliesTo", "free-delivery scope", rule.AppliesTo, FreeDeliveryScopes.All));
            }
            else if (string.Equals(rule.AppliesTo, FreeDeliveryScopes.Order, StringComparison.OrdinalIgnoreCase) && rule.Sellers is { Count: > 0 })
            {
                failures.Add(new ValidationFailure($"{path}.sellers", "sellers apply only to eachSeller thresholds; an order threshold covers every seller."));
            }

            RuleFieldChecks.Money(rule.Threshold, $"{path}.threshold", null, failures);
            failures.AddRange(RuleFieldChecks.Window(rule.Window, $"{path}.window"));
            failures.AddRange(RuleFieldChecks.Segment(rule.Segment, $"{path}.segment", knownLists));
            foreach (var failure in failures)
            {
                yield return failure;
            }
        }
    }

    private static IEnumerable<ValidationFailure> LimitChecks(DiscountLimits? limits)
    {
        if (limits is null)
        {
            yield break;
        }

        if (!RuleFieldChecks.IsPercent(limits.MaxLineDiscountPercent))
        {
            yield return new ValidationFailure("limits.maxLineDiscountPercent", RuleFieldChecks.PercentMessage("maxLineDiscountPercent"));
        }

        if (!RuleFieldChecks.IsPercent(limits.MaxOrderDiscountPercent))
        {
            yield return new ValidationFailure("limits.maxOrderDiscountPercent", RuleFieldChecks.PercentMessage("maxOrderDiscountPercent"));
        }
    }
}

/// <summary>Checks of fields that several parts of the document share: ids, amounts, windows, segments.</summary>
internal static class RuleFieldChecks
{
    public static bool IsOneOf(string? value, IReadOnlyList<string> known) =>
        value is not null && known.Contains(value, StringComparer.OrdinalIgnoreCase);

    public static ValidationFailure UnknownName(string path, string what, string? value, IReadOnlyList<string> known) =>
        new(path, $"Unknown {what} '{value}': expected one of {string.Join(", ", known)}.");

    public static bool IsPercent(decimal? value) => value is not { } percent || (percent >= 0m && percent <= 100m);

    public static string PercentMessage(string field) => $"{field} must be between 0 and 100.";

    public static HashSet<string> CustomerListIds(PricingRules rules) =>
        (rules.CustomerLists ?? []).Where(l => l?.Id is not null).Select(l => l.Id).ToHashSet(StringComparer.Ordinal);

    public static void IdAndName(string? id, string? name, string path, List<ValidationFailure> failures)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            failures.Add(new ValidationFailure($"{path}.id", "The rule's id is required."));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            failures.Add(new ValidationFailure($"{path}.name", "The rule's name is required: customers see it."));
        }
    }

    /// <summary>Checks one amount; <paramref name="ruleCurrency"/> is the currency the rule's other amounts are in, if known.</summary>
    public static void Money(Money money, string path, string? ruleCurrency, List<ValidationFailure> failures)
    {
        if (!Currencies.IsSupported(money.Currency))
        {
            failures.Add(new ValidationFailure($"{path}.currency", $"Unsupported currency '{money.Currency}'."));
            return;
        }

        if (money.Amount < 0m)
        {
            failures.Add(new ValidationFailure($"{path}.amount", "The amount must not be negative."));
        }
        else if (!Currencies.FitsMinorUnits(money.Amount, money.Currency))
        {
            failures.Add(new ValidationFailure($"{path}.amount", $"{Currencies.Normalize(money.Currency)} allows {Currencies.MinorUnitsOf(money.Currency)} decimals."));
        }

        if (ruleCurrency is not null && !string.Equals(ruleCurrency, money.Currency, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add(new ValidationFailure($"{path}.currency", $"All amounts of one rule must be in one currency: this rule's first amount is in {ruleCurrency}."));
        }
    }

    public static IEnumerable<ValidationFailure> Window(TimeWindow? window, string path)
    {
        if (window is { From: { } from, To: { } to } && from >= to)
        {
            yield return new ValidationFailure($"{path}.to", $"The window must end after it starts: to ({to:O}) is not later than from ({from:O}).");
        }
    }

    public static IEnumerable<ValidationFailure> Segment(CustomerSegment? segment, string path, HashSet<string> knownLists)
    {
        var lists = segment?.CustomerLists ?? [];
        for (var k = 0; k < lists.Count; k++)
        {
            if (lists[k] is null || !knownLists.Contains(lists[k]))
            {
                yield return new ValidationFailure($"{path}.customerLists[{k}]", $"Unknown customer list '{lists[k]}': define it under customerLists.");
            }
        }
    }
}
