namespace Marketplace.Platform.Http;

/// <summary>Named rate-limit policies the host defines and modules attach to their endpoints.</summary>
public static class RateLimitPolicies
{
    /// <summary>Per client IP, on anything that checks a secret (sign-in, registration, token refresh).</summary>
    public const string Credentials = "credentials";

    /// <summary>Per seller, on bulk imports.</summary>
    public const string Bulk = "bulk";
}
