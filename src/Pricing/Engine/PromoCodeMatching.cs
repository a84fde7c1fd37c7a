namespace Marketplace.Pricing.Engine;

/// <summary>
/// How the engine matches a promo code wherever it meets one (typed by the customer, defined in the rules, named by a
/// discount): surrounding spaces and case do not count, and a blank code is no code. One definition, so a code the
/// customer types always finds the definition and the discounts it was meant for.
/// </summary>
internal static class PromoCodeMatching
{
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>The code as the engine keys it, or null when <paramref name="code"/> is blank.</summary>
    public static string? Key(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim();
}
