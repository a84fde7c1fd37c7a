using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>
/// A bundle: as many complete sets of its items as the cart holds, built from the cheapest units, priced at the bundle
/// price or a percentage off. Holds the buffers that filling bundles needs, sized to the cart once per pricing.
/// </summary>
internal sealed class BundleOff(int lineCount)
{
    // Per line, how many of its units the bundles take.
    private readonly int[] _unitsTaken = new int[lineCount];

    // The lines the bundles take units from, ascending.
    private readonly int[] _inBundles = new int[lineCount];

    public KindOffer Offer(CompiledDiscount rule, ArraySegment<int> touchable, LineLedger ledger, CheapestUnitsFirst cheapestFirst, decimal[] offers)
    {
        var items = rule.BundleItems;
        var lines = ledger.Lines;
        var byPrice = cheapestFirst.Order(touchable, ledger);
        var bundles = int.MaxValue;
        foreach (var item in items)
        {
            var units = 0;
            foreach (var i in touchable)
            {
                units += CompiledDiscount.BundleItemMatches(item, lines[i]) ? lines[i].Quantity : 0;
            }

            bundles = Math.Min(bundles, units / Math.Max(1, item.Quantity));
        }

        // Counting units per item can promise more bundles than there are: one unit may match two items.
        while (bundles > 0 && !TryFillBundles(items, bundles, byPrice, lines))
        {
            bundles--;
        }

        if (bundles <= 0 || items.Length == 0)
        {
            return KindOffer.Nothing(Reasons.BundleIncomplete);
        }

        var remaining = ledger.Remaining;
        var inBundles = 0;
        var value = 0m;
        foreach (var i in touchable)
        {
            if (_unitsTaken[i] > 0)
            {
                _inBundles[inBundles++] = i;
                offers[i] = remaining[i] * _unitsTaken[i] / lines[i].Quantity;
                value += offers[i];
            }
            else
            {
                offers[i] = 0m;
            }
        }

        var off = rule.Source.BundlePrice is { } price
            ? Math.Max(0m, Currencies.Round(value - (bundles * price.Amount), ledger.Currency))
            : Currencies.Round(value * (rule.Fraction ?? 0m), ledger.Currency);
        if (off <= 0m)
        {
            return KindOffer.Nothing(Reasons.BundleNotCheaper);
        }

        MinorUnitMath.Spread(Math.Min(off, Currencies.Round(value, ledger.Currency)), _inBundles.AsSpan(0, inBundles), offers, offers, ledger.MinorUnits);
        return KindOffer.Of(new LineAmounts(touchable, offers));
    }

    /// <summary>Takes the cheapest units for each item of <paramref name="bundles"/> bundles; false when some item runs short.</summary>
    private bool TryFillBundles(BundleItem[] items, int bundles, ArraySegment<int> byPrice, IReadOnlyList<PricingLine> lines)
    {
        Array.Clear(_unitsTaken);
        foreach (var item in items)
        {
            var needed = bundles * Math.Max(1, item.Quantity);
            foreach (var i in byPrice)
            {
                if (needed == 0)
                {
                    break;
                }

                if (CompiledDiscount.BundleItemMatches(item, lines[i]))
                {
                    var take = Math.Min(lines[i].Quantity - _unitsTaken[i], needed);
                    _unitsTaken[i] += take;
                    needed -= take;
                }
            }

            if (needed > 0)
            {
                return false;
            }
        }

        return true;
    }
}
