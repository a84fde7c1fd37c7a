using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>A percentage off what is left of each line.</summary>
internal static class PercentageOff
{
    public static KindOffer Offer(CompiledDiscount rule, ArraySegment<int> touchable, LineLedger ledger, decimal[] offers)
    {
        var fraction = rule.Fraction ?? 0m;
        var remaining = ledger.Remaining;
        foreach (var i in touchable)
        {
            offers[i] = Currencies.Round(remaining[i] * fraction, ledger.Currency);
        }

        return KindOffer.Of(new LineAmounts(touchable, offers));
    }
}
