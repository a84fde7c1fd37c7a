using System.Globalization;

namespace Marketplace.Pricing.Engine;

/// <summary>
/// The words a customer reads when a rule gives nothing. Kept in one place so the storefront's wording, which clients
/// show as is, changes in one file.
/// </summary>
internal static class Reasons
{
    public const string OutsideWindow = "outside its time window";
    public const string NotInSegment = "not in customer segment";
    public const string HigherExclusiveApplied = "a higher-priority exclusive rule applied";
    public const string ExclusiveAfterOthers = "exclusive, and a higher-priority rule already applied";
    public const string CapReached = "cap reached";
    public const string NothingLeft = "nothing left to discount";
    public const string NothingInScope = "nothing in the cart is in its scope";
    public const string BundleIncomplete = "bundle incomplete";
    public const string BundleNotCheaper = "the bundle price is not below the price of its items";
    public const string UnknownPromoCode = "unknown promo code";
    public const string PromoCodeNotYetValid = "promo code not yet valid";
    public const string PromoCodeExpired = "promo code expired";
    public const string UsageLimitReached = "usage limit reached";
    public const string CustomerUsageLimitReached = "usage limit per customer reached";
    public const string PromoCodeNeedsSignIn = "sign in to use this promo code";
    public const string PromoCodeUnused = "no discount uses this promo code";

    public static string OtherCurrency(string ruleCurrency, string cartCurrency) =>
        $"its amounts are in {ruleCurrency}, the cart is in {cartCurrency}";

    public static string ThresholdNotMet(decimal measured, decimal threshold, int minorUnits) =>
        $"threshold not met: {Format(measured, minorUnits)} of {Format(threshold, minorUnits)}";

    public static string TooFewUnits(int buy, int get, int units) => $"buy {buy} get {get}: {units} of {buy + get} units in the cart";

    // Grouped and with every minor digit, as a price tag shows it: "5,000.00", whatever the server's culture.
    private static string Format(decimal amount, int minorUnits) =>
        amount.ToString("N" + minorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
