using Marketplace.Payments.Escrow;
using Marketplace.Payments.Ledger;

namespace Marketplace.Payments.Payouts;

/// <summary>
/// The platform's commission on one seller order's share of a capture, by the "payouts" rules in force at capture: each
/// line at its rate (the seller's own, else its category's, else the default), on what the line cost after discounts;
/// scaled to the share when the capture paid the order less than its total (a discount on the whole checkout); rounded
/// once, half to even, to the currency's minor unit; then at least the currency's minimum per order, and at most the share.
/// </summary>
internal static class Commission
{
    public static long For(CommissionRules rules, Guid sellerId, string currency, long orderTotalMinor, long shareMinor, IReadOnlyList<EscrowOrderLine> lines)
    {
        if (shareMinor <= 0)
        {
            return 0;
        }

        var sellerRate = rules.Sellers?.FirstOrDefault(s => s?.SellerId == sellerId)?.Percent;
        decimal exact;
        if (lines.Count == 0)
        {
            // An order placed before Ordering carried its lines: its whole total at the seller's or the default rate.
            exact = orderTotalMinor * (sellerRate ?? rules.DefaultPercent) / 100m;
        }
        else
        {
            exact = lines.Sum(line => line.TotalMinor * RateOf(rules, sellerRate, line.CategoryId) / 100m);
        }

        if (orderTotalMinor > 0 && shareMinor != orderTotalMinor)
        {
            exact = exact * shareMinor / orderTotalMinor;
        }

        var commission = (long)decimal.Round(exact, 0, MidpointRounding.ToEven);
        var minimum = rules.MinimumPerOrder?.FirstOrDefault(m => string.Equals(m?.Currency, currency, StringComparison.OrdinalIgnoreCase)) is { } least
            ? MinorUnits.Of(least.Amount, currency)
            : 0;
        return Math.Min(Math.Max(commission, minimum), shareMinor);
    }

    private static decimal RateOf(CommissionRules rules, decimal? sellerRate, Guid categoryId) =>
        sellerRate
        ?? rules.Categories?.FirstOrDefault(c => c?.CategoryId == categoryId)?.Percent
        ?? rules.DefaultPercent;
}
