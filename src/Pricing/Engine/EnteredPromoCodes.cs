namespace Marketplace.Pricing.Engine;

/// <summary>
/// The promo codes the customer entered, read once: trimmed, blank ones dropped, each code once whatever its case (the
/// first entry wins). Checking a code and reporting on it both go through this one reading, so the codes that unlock
/// rules are exactly the codes the customer hears about.
/// </summary>
internal sealed class EnteredPromoCodes
{
    // Why each entered code cannot be used, or null when it can; a code absent here was not entered.
    private readonly Dictionary<string, string?> _problems = new(PromoCodeMatching.Comparer);

    // In the order entered, as the customer typed them: the report answers in the customer's own words.
    private readonly List<(string Typed, string Code)> _entered = [];
    private readonly HashSet<string> _applied = new(PromoCodeMatching.Comparer);

    public EnteredPromoCodes(PricingRequest request, RuleIndex index, DateTimeOffset now)
    {
        foreach (var usage in request.PromoCodes ?? [])
        {
            var code = PromoCodeMatching.Key(usage.Code);
            if (code is null || _problems.ContainsKey(code))
            {
                continue;
            }

            _problems[code] = Problem(code, usage, request.Customer, index, now);
            _entered.Add((usage.Code!, code));
        }
    }

    /// <summary>False when nobody entered <paramref name="code"/>; otherwise why it cannot be used, or null when it can.</summary>
    public bool TryGetProblem(string code, out string? problem) => _problems.TryGetValue(code, out problem);

    public bool WasEntered(string code) => _problems.ContainsKey(code);

    /// <summary>Notes that a rule behind <paramref name="code"/> gave a discount.</summary>
    public void MarkApplied(string code) => _applied.Add(code);

    /// <summary>
    /// One outcome per entered code, in the order entered. A code that is valid but unlocked nothing passes on why its
    /// first rule did not apply, so the customer learns what to change.
    /// </summary>
    public List<PromoCodeOutcome> Outcomes(RuleIndex index, IReadOnlyList<RuleNotApplied> notApplied)
    {
        var outcomes = new List<PromoCodeOutcome>(_entered.Count);
        foreach (var (typed, code) in _entered)
        {
            var problem = _problems[code];
            outcomes.Add(problem is not null ? new PromoCodeOutcome(typed, false, problem)
                : _applied.Contains(code) ? new PromoCodeOutcome(typed, true, null)
                : new PromoCodeOutcome(typed, false, FirstReasonOfCode(code, index, notApplied)));
        }

        return outcomes;
    }

    private static string? Problem(string code, PromoCodeUsage usage, PricingCustomer? customer, RuleIndex index, DateTimeOffset now)
    {
        if (!index.PromoCodes.TryGetValue(code, out var promo))
        {
            return Reasons.UnknownPromoCode;
        }

        if (promo.Window?.From is { } from && now < from)
        {
            return Reasons.PromoCodeNotYetValid;
        }

        if (promo.Window?.To is { } to && now >= to)
        {
            return Reasons.PromoCodeExpired;
        }

        if (promo.MaxUses is { } maxUses && usage.TimesUsed >= maxUses)
        {
            return Reasons.UsageLimitReached;
        }

        if (promo.MaxUsesPerCustomer is { } perCustomer)
        {
            if (customer?.CustomerId is null)
            {
                return Reasons.PromoCodeNeedsSignIn;
            }

            if (usage.TimesUsedByCustomer >= perCustomer)
            {
                return Reasons.CustomerUsageLimitReached;
            }
        }

        return null;
    }

    private static string FirstReasonOfCode(string code, RuleIndex index, IReadOnlyList<RuleNotApplied> notApplied)
    {
        if (!index.RulesByPromoCode.TryGetValue(code, out var ranks))
        {
            return Reasons.PromoCodeUnused;
        }

        foreach (var entry in notApplied)
        {
            foreach (var rank in ranks)
            {
                if (string.Equals(entry.RuleId, index.Discounts[rank].Id, StringComparison.Ordinal))
                {
                    return entry.Reason;
                }
            }
        }

        return Reasons.NothingInScope;
    }
}
