using Marketplace.Cart.Contracts;

namespace Marketplace.Cart.PromoCodes;

internal static class PromoCode
{
    /// <summary>Codes are compared case-insensitively: stored, counted and priced upper-case.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>Each code once, normalized, in the order first entered: a code entered twice is counted once.</summary>
    public static IEnumerable<string> Distinct(IEnumerable<string> codes) => codes.Select(Normalize).Distinct(StringComparer.Ordinal);

    /// <summary>Each code once, normalized, with the limits it was first given with.</summary>
    public static List<PromoCodeLimit> DistinctLimits(IEnumerable<PromoCodeLimit> limits) =>
        limits.Select(l => l with { Code = Normalize(l.Code) }).DistinctBy(l => l.Code, StringComparer.Ordinal).ToList();

    /// <summary>Letters, digits, '-' and '_': nothing that could be mistaken for a storage separator.</summary>
    public static bool IsWellFormed(string code) => code.Length > 0 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// Why one more use of the code would break its limits, or null when it would not; checked in the same order as
    /// pricing checks them (total, then sign-in, then per customer), so the refusal names what the cart said.
    /// </summary>
    public static PromoCodeRefusal? Refusal(PromoCodeLimit limit, long total, long byCustomer, bool signedIn) =>
        limit.MaxTotalUses is { } max && total >= max ? new PromoCodeRefusal(limit.Code, PromoCodeRefusalReason.UsageLimitReached)
        : limit.MaxUsesPerCustomer is null ? null
        : !signedIn ? new PromoCodeRefusal(limit.Code, PromoCodeRefusalReason.SignInRequired)
        : byCustomer >= limit.MaxUsesPerCustomer ? new PromoCodeRefusal(limit.Code, PromoCodeRefusalReason.CustomerUsageLimitReached)
        : null;
}
