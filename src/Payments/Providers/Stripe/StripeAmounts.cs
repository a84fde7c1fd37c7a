using Marketplace.Platform;

namespace Marketplace.Payments.Providers.Stripe;

/// <summary>Amounts as Stripe's API counts them: integers in the currency's minor unit, currency codes in lower case.</summary>
internal static class StripeAmounts
{
    /// <summary>
    /// Stripe counts the Icelandic króna in hundredths although it has no minor unit in use (a special case of its
    /// currency list), so a whole-króna amount is sent times 100.
    /// </summary>
    private const string Krona = "ISK";

    public static long ToMinor(Money money) => (long)(money.Amount * Factor(money.Currency));

    public static Money FromMinor(long minor, string currency)
    {
        var code = Currencies.Normalize(currency);
        return Money.Of(minor / Factor(code), code);
    }

    public static string CurrencyOf(Money money) => money.Currency.ToLowerInvariant();

    private static decimal Factor(string currency)
    {
        var units = string.Equals(currency, Krona, StringComparison.OrdinalIgnoreCase) ? 2 : Currencies.MinorUnitsOf(currency);
        var factor = 1m;
        for (var i = 0; i < units; i++)
        {
            factor *= 10m;
        }

        return factor;
    }
}
