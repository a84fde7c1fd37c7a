namespace Marketplace.Cart.PromoCodes;

internal static class PromoCode
{
    /// <summary>Codes are compared case-insensitively: stored, counted and priced upper-case.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>Each code once, normalized, in the order first entered: a code entered twice is counted once.</summary>
    public static IEnumerable<string> Distinct(IEnumerable<string> codes) => codes.Select(Normalize).Distinct(StringComparer.Ordinal);

    /// <summary>Letters, digits, '-' and '_': nothing that could be mistaken for a storage separator.</summary>
    public static bool IsWellFormed(string code) => code.Length > 0 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
