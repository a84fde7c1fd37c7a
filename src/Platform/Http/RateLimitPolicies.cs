namespace Marketplace.Platform.Http;

/// <summary>Names of the rate-limit policies the host declares in <see cref="RateLimits"/> and modules attach to their endpoints.</summary>
public static class RateLimitPolicies
{
    /// <summary>Per seller, on bulk imports.</summary>
    public const string Bulk = "bulk";

    /// <summary>Per client IP, on every request.</summary>
    public const string Global = "global";
}
