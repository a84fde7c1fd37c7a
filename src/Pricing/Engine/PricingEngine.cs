using Marketplace.Platform;
using Marketplace.Pricing.Engine;

namespace Marketplace.Pricing;

/// <summary>
/// Prices a cart against a rule set at an instant. Pure: the same request, rules and instant always give the same
/// <see cref="PricedCart"/>, with no I/O. What can be worked out from the rules alone is built once per
/// <see cref="PricingRules"/> instance, so do not change a rule set after pricing with it: publish a new instance.
/// </summary>
/// <remarks>
/// Rules apply one after another, highest priority first (equal priorities in id order). A percentage is taken off
/// what is left of a line after the rules before it; a threshold is measured on what the lines in scope cost after the
/// rules before it. Delivery thresholds are measured on what the goods cost after every discount.
/// </remarks>
public static class PricingEngine
{
    /// <summary>Prices <paramref name="request"/> by <paramref name="rules"/> as they stand at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The cart's currency is not supported, a line is in another currency, has a negative price, or less than one unit.
    /// </exception>
    public static PricedCart Price(PricingRequest request, PricingRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rules);
        return new PricingRun(request, RuleIndex.For(rules), now).Price();
    }
}
