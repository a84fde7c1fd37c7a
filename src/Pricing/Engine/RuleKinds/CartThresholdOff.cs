using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>A percentage or an amount off once what the lines in scope cost reaches a threshold.</summary>
internal static class CartThresholdOff
{
    /// <remarks>
    /// Measured on everything in <paramref name="scoped"/> (the customer buys all of it), taken off only the lines in
    /// <paramref name="touchable"/>, in proportion to what is left of each.
    /// </remarks>
    public static KindOffer Offer(CompiledDiscount rule, ArraySegment<int> scoped, ArraySegment<int> touchable, LineLedger ledger, decimal[] offers)
    {
        var remaining = ledger.Remaining;
        var measured = 0m;
        foreach (var i in scoped)
        {
            measured += remaining[i];
        }

        var threshold = rule.Source.Threshold?.Amount ?? 0m;
        if (measured < threshold)
        {
            return KindOffer.Nothing(Reasons.ThresholdNotMet(measured, threshold, ledger.MinorUnits));
        }

        var touchableValue = 0m;
        foreach (var i in touchable)
        {
            touchableValue += remaining[i];
        }

        var off = rule.Fraction is { } fraction
            ? Currencies.Round(touchableValue * fraction, ledger.Currency)
            : Math.Min(touchableValue, rule.Source.AmountOff?.Amount ?? 0m);
        foreach (var i in touchable)
        {
            offers[i] = remaining[i];
        }

        MinorUnitMath.Spread(off, touchable, offers, offers, ledger.MinorUnits);
        return KindOffer.Of(new LineAmounts(touchable, offers));
    }
}
