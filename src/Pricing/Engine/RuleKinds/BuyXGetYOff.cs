using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>Buy X, get Y free (or a percentage off them): the free units are the cheapest ones.</summary>
internal static class BuyXGetYOff
{
    public static KindOffer Offer(CompiledDiscount rule, ArraySegment<int> touchable, LineLedger ledger, CheapestUnitsFirst cheapestFirst, decimal[] offers)
    {
        var buy = Math.Max(1, rule.Source.Buy ?? 1);
        var get = Math.Max(1, rule.Source.Get ?? 1);
        var lines = ledger.Lines;
        var units = 0;
        foreach (var i in touchable)
        {
            units += lines[i].Quantity;
        }

        var freeUnits = units / (buy + get) * get;
        if (freeUnits == 0)
        {
            return KindOffer.Nothing(Reasons.TooFewUnits(buy, get, units));
        }

        var fraction = rule.Fraction ?? 1m;
        var remaining = ledger.Remaining;
        foreach (var i in cheapestFirst.Order(touchable, ledger))
        {
            var free = Math.Min(lines[i].Quantity, freeUnits);
            freeUnits -= free;
            offers[i] = free == 0 ? 0m : Currencies.Round(remaining[i] * free / lines[i].Quantity * fraction, ledger.Currency);
        }

        return KindOffer.Of(new LineAmounts(touchable, offers));
    }
}
