using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>
/// One pricing of one cart: applies the discount rules in rank order, each through the same steps (may it apply at
/// all, which lines may it touch, what does its kind offer, what do the caps leave), then totals the lines, seller
/// groups and free delivery. Lives for one <see cref="PricingEngine.Price"/> call.
/// </summary>
internal sealed class PricingRun
{
    private readonly RuleIndex _index;
    private readonly LineLedger _ledger;
    private readonly RuleConditions _conditions;
    private readonly EnteredPromoCodes _promoCodes;
    private readonly DiscountCaps _caps;

    // Buffers reused by every rule of this run, so the loop over rules allocates only the explanation it gives.
    private readonly int[] _touchable;
    private readonly decimal[] _offers;
    private CheapestUnitsFirst? _cheapestFirst;
    private BundleOff? _bundles;

    private readonly List<AppliedDiscount> _cartDiscounts = [];
    private readonly List<RuleNotApplied> _notApplied = [];

    /// <exception cref="ArgumentException">
    /// The cart's currency is not supported, a line is in another currency, has a negative price, or less than one unit.
    /// </exception>
    public PricingRun(PricingRequest request, RuleIndex index, DateTimeOffset now)
    {
        if (!Currencies.IsSupported(request.Currency))
        {
            throw new ArgumentException($"Unsupported currency '{request.Currency}'.", nameof(request));
        }

        _index = index;
        _ledger = new LineLedger(request, Currencies.Normalize(request.Currency));
        _conditions = new RuleConditions(now, request.Customer ?? PricingCustomer.Guest, index.CustomerLists);
        _promoCodes = new EnteredPromoCodes(request, index, now);
        _caps = new DiscountCaps(index.Limits, _ledger);
        _touchable = new int[_ledger.Count];
        _offers = new decimal[_ledger.Count];
    }

    public PricedCart Price()
    {
        var scopes = RuleScopes.Find(_index, _ledger.Lines);
        for (var rank = 0; rank < _index.Discounts.Length; rank++)
        {
            var rule = _index.Discounts[rank];
            var scoped = scopes.Of(rank);

            // A rule with nothing in scope is mentioned only when the customer typed its code, to say why it gave nothing.
            if (scoped.Count > 0 || (rule.PromoCode is { } code && _promoCodes.WasEntered(code)))
            {
                Apply(rule, scoped);
            }
        }

        return PricedCartAssembly.Assemble(_ledger, _index, _conditions, _promoCodes, _cartDiscounts, _notApplied);
    }

    private void Apply(CompiledDiscount rule, ArraySegment<int> scoped)
    {
        var ineligible = Ineligibility(rule, out var hidden);
        if (hidden)
        {
            return;
        }

        if (ineligible is not null || scoped.Count == 0)
        {
            NotApplied(rule, ineligible ?? Reasons.NothingInScope);
            return;
        }

        var touchable = LinesLeftTo(rule, scoped, out var blocked);
        if (touchable.Count == 0)
        {
            NotApplied(rule, blocked!);
            return;
        }

        var offer = rule.Kind switch
        {
            RuleKind.Percentage => PercentageOff.Offer(rule, touchable, _ledger, _offers),
            RuleKind.Fixed => FixedAmountOff.Offer(rule, touchable, _ledger, _offers),
            RuleKind.CartThreshold => CartThresholdOff.Offer(rule, scoped, touchable, _ledger, _offers),
            RuleKind.BuyXGetY => BuyXGetYOff.Offer(rule, touchable, _ledger, CheapestFirst(), _offers),
            RuleKind.Bundle => (_bundles ??= new BundleOff(_ledger.Count)).Offer(rule, touchable, _ledger, CheapestFirst(), _offers),
            _ => throw new InvalidOperationException($"Unhandled rule kind {rule.Kind}."),
        };
        if (offer.Reason is { } reason)
        {
            NotApplied(rule, reason);
            return;
        }

        var held = _caps.Hold(rule, offer.Amounts);
        var given = 0m;
        foreach (var i in held.Given.Lines)
        {
            var amount = held.Given[i];
            if (amount > 0m)
            {
                _ledger.Give(i, rule, amount);
                given += amount;
            }
            else if (held.WasCapped(i))
            {
                _ledger.TellNotApplied(i, rule, Reasons.CapReached);
            }
        }

        if (given == 0m)
        {
            NotApplied(rule, held.AnyCapped ? Reasons.CapReached : blocked ?? Reasons.NothingLeft);
            return;
        }

        _ledger.AddToOrderDiscount(given);
        _cartDiscounts.Add(new AppliedDiscount(rule.Id, rule.Name, rule.KindName, _ledger.InCurrency(given)));
        if (rule.PromoCode is { } code)
        {
            _promoCodes.MarkApplied(code);
        }
    }

    /// <summary>Why the rule cannot apply to this cart at all; <paramref name="hidden"/> when it must not even be mentioned.</summary>
    private string? Ineligibility(CompiledDiscount rule, out bool hidden)
    {
        hidden = false;
        string? codeProblem = null;
        if (rule.PromoCode is { } code && !_promoCodes.TryGetProblem(code, out codeProblem))
        {
            // A rule behind a code nobody entered stays unmentioned: the explanation must not leak promo codes.
            hidden = true;
            return null;
        }

        if (rule.Currency is { } ruleCurrency && ruleCurrency != _ledger.Currency)
        {
            return Reasons.OtherCurrency(ruleCurrency, _ledger.Currency);
        }

        return _conditions.WhyNot(rule.Source.Window, codeProblem, rule.Source.Segment);
    }

    /// <summary>
    /// The lines of <paramref name="scoped"/> that exclusivity leaves to the rule. Each line it may not touch is told
    /// why; <paramref name="blocked"/> is the first such reason, or null when every line is left.
    /// </summary>
    private ArraySegment<int> LinesLeftTo(CompiledDiscount rule, ArraySegment<int> scoped, out string? blocked)
    {
        var held = _ledger.HeldByExclusive;
        var discount = _ledger.Discount;
        var count = 0;
        blocked = null;
        foreach (var i in scoped)
        {
            var lineBlocked = held[i] ? Reasons.HigherExclusiveApplied
                : rule.Exclusive && discount[i] > 0m ? Reasons.ExclusiveAfterOthers
                : null;
            if (lineBlocked is null)
            {
                _touchable[count++] = i;
            }
            else
            {
                _ledger.TellNotApplied(i, rule, lineBlocked);
                blocked ??= lineBlocked;
            }
        }

        return new ArraySegment<int>(_touchable, 0, count);
    }

    private CheapestUnitsFirst CheapestFirst() => _cheapestFirst ??= new CheapestUnitsFirst(_ledger.Count);

    private void NotApplied(CompiledDiscount rule, string reason) => _notApplied.Add(new RuleNotApplied(rule.Id, rule.Name, reason));
}
