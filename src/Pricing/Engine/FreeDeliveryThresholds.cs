using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>
/// How near the order and each seller group are to shipping free. Whether a rule may apply at all (currency, window,
/// segment) is decided once per cart, so the order and every seller group are judged by the same test.
/// </summary>
internal sealed class FreeDeliveryThresholds
{
    private readonly CompiledFreeDelivery[] _rules;
    private readonly bool[] _eligible;
    private readonly string _currency;

    /// <summary>Judges every rule once; each one that cannot apply is added to <paramref name="notApplied"/> with why.</summary>
    public FreeDeliveryThresholds(CompiledFreeDelivery[] rules, string currency, RuleConditions conditions, List<RuleNotApplied> notApplied)
    {
        _rules = rules;
        _currency = currency;
        _eligible = new bool[rules.Length];
        for (var r = 0; r < rules.Length; r++)
        {
            var source = rules[r].Source;
            var problem = !string.Equals(source.Threshold.Currency, currency, StringComparison.OrdinalIgnoreCase)
                ? Reasons.OtherCurrency(source.Threshold.Currency, currency)
                : conditions.WhyNot(source.Window, promoCodeProblem: null, source.Segment);
            if (problem is null)
            {
                _eligible[r] = true;
            }
            else
            {
                notApplied.Add(new RuleNotApplied(source.Id, source.Name, problem));
            }
        }
    }

    /// <summary>The nearest whole-order threshold, measured on the order's total after discounts.</summary>
    public FreeDeliveryStatus? ForOrder(decimal orderTotal) => Nearest(wholeOrder: true, sellerId: null, orderTotal, best: null);

    /// <summary>The nearest threshold for one seller group: its own rules, or the order's status when that is nearer.</summary>
    public FreeDeliveryStatus? ForSeller(Guid sellerId, decimal sellerTotal, FreeDeliveryStatus? order) =>
        Nearest(wholeOrder: false, sellerId, sellerTotal, best: order);

    private FreeDeliveryStatus? Nearest(bool wholeOrder, Guid? sellerId, decimal value, FreeDeliveryStatus? best)
    {
        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            if (_eligible[r] && rule.WholeOrder == wholeOrder && (sellerId is not { } seller || rule.CoversSeller(seller)))
            {
                best = Nearer(best, Status(rule.Source, value));
            }
        }

        return best;
    }

    private FreeDeliveryStatus Status(FreeDeliveryRule rule, decimal value)
    {
        var threshold = rule.Threshold.Amount;
        var met = value >= threshold;
        return new FreeDeliveryStatus(rule.Id, rule.Name, new Money(threshold, _currency), met, new Money(met ? 0m : threshold - value, _currency));
    }

    /// <summary>The status to publish: a met threshold over an unmet one, then the lower threshold or the smaller gap.</summary>
    private static FreeDeliveryStatus? Nearer(FreeDeliveryStatus? current, FreeDeliveryStatus candidate)
    {
        if (current is null || (candidate.Met && !current.Met))
        {
            return candidate;
        }

        if (candidate.Met != current.Met)
        {
            return current;
        }

        var better = candidate.Met
            ? candidate.Threshold.Amount < current.Threshold.Amount
            : candidate.Missing.Amount < current.Missing.Amount;
        return better ? candidate : current;
    }
}
