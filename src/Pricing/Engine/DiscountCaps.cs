namespace Marketplace.Pricing.Engine;

/// <summary>
/// Every limit on what a rule may give: its own caps per line and per order, the combined cap of a combinable rule,
/// and the rule set's limits on a line's and the order's whole discount. The rule set's limits are worked out in money
/// once per cart rather than once per rule and line.
/// </summary>
internal sealed class DiscountCaps
{
    private readonly LineLedger _ledger;
    private readonly decimal[]? _lineLimit;
    private readonly decimal? _orderLimit;

    // Reused by every rule of the pricing: which lines a cap cut, and the amounts before the order's cap spread them.
    private readonly bool[] _capped;
    private decimal[]? _beforeOrderCap;

    public DiscountCaps(DiscountLimits? limits, LineLedger ledger)
    {
        _ledger = ledger;
        _capped = new bool[ledger.Count];
        if (limits?.MaxLineDiscountPercent is { } linePercent)
        {
            _lineLimit = new decimal[ledger.Count];
            for (var i = 0; i < ledger.Count; i++)
            {
                _lineLimit[i] = MinorUnitMath.Floor(ledger.ListTotal[i] * linePercent / 100m, ledger.MinorUnits);
            }
        }

        if (limits?.MaxOrderDiscountPercent is { } orderPercent)
        {
            _orderLimit = MinorUnitMath.Floor(ledger.OrderList * orderPercent / 100m, ledger.MinorUnits);
        }
    }

    /// <summary>Holds <paramref name="offered"/> to every limit that applies, in place, and says which lines were cut.</summary>
    public CappedOffer Hold(CompiledDiscount rule, LineAmounts offered)
    {
        var source = rule.Source;
        var lines = offered.Lines;
        var listTotal = _ledger.ListTotal;
        var discount = _ledger.Discount;
        var remaining = _ledger.Remaining;
        var minorUnits = _ledger.MinorUnits;
        var anyCapped = false;
        var sum = 0m;
        foreach (var i in lines)
        {
            var amount = Math.Min(offered[i], remaining[i]);
            var limit = source.MaxPerLine?.Amount ?? decimal.MaxValue;
            if (rule.CombinedCapFraction is { } combined)
            {
                limit = Math.Min(limit, MinorUnitMath.Floor(listTotal[i] * combined, minorUnits) - discount[i]);
            }

            if (_lineLimit is not null)
            {
                limit = Math.Min(limit, _lineLimit[i] - discount[i]);
            }

            _capped[i] = amount > limit;
            if (_capped[i])
            {
                amount = Math.Max(0m, limit);
                anyCapped = true;
            }

            offered[i] = amount;
            sum += amount;
        }

        var orderCap = source.MaxPerOrder?.Amount ?? decimal.MaxValue;
        if (_orderLimit is { } limitOfOrder)
        {
            orderCap = Math.Min(orderCap, Math.Max(0m, limitOfOrder - _ledger.OrderDiscount));
        }

        if (sum > orderCap && orderCap == 0m)
        {
            foreach (var i in lines)
            {
                _capped[i] |= offered[i] > 0m;
                offered[i] = 0m;
            }

            anyCapped = true;
        }
        else if (sum > orderCap)
        {
            var before = _beforeOrderCap ??= new decimal[_ledger.Count];
            for (var k = 0; k < lines.Count; k++)
            {
                before[k] = offered[lines[k]];
            }

            MinorUnitMath.Spread(orderCap, lines, offered.ByLine, offered.ByLine, minorUnits);
            for (var k = 0; k < lines.Count; k++)
            {
                _capped[lines[k]] |= offered[lines[k]] < before[k];
            }

            anyCapped = true;
        }

        return new CappedOffer(offered, _capped, anyCapped);
    }
}
