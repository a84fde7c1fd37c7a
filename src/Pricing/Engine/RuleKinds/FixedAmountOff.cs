using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>A fixed amount off each unit, never more than what is left of the line.</summary>
internal static class FixedAmountOff
{
    public static KindOffer Offer(CompiledDiscount rule, ArraySegment<int> touchable, LineLedger ledger, decimal[] offers)
    {
        var perUnit = rule.Source.AmountOff?.Amount ?? 0m;
        var remaining = ledger.Remaining;
        var lines = ledger.Lines;
        foreach (var i in touchable)
        {
            offers[i] = Math.Min(remaining[i], Currencies.Round(perUnit * lines[i].Quantity, ledger.Currency));
        }

        return KindOffer.Of(new LineAmounts(touchable, offers));
    }
}
