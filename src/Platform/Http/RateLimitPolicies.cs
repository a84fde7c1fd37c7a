namespace Marketplace.Platform.Http;

/// <summary>The host-wide rate-limit policy; modules declare their own (Identity's credentials, Catalog's bulk, Cart's guests) next to the routes they guard.</summary>
public static class RateLimitPolicies
{
    /// <summary>Per client IP, on every request.</summary>
    public const string Global = "global";
}
