using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Http;

/// <summary>The limit of one named rate-limit policy; bound from <c>RateLimits:&lt;policy&gt;</c>.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests each partition (client network, seller…) may make per window.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The fixed window the permits are counted over.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The one registry of HTTP rate-limit policies. A policy is a name, a partition key and a limit read from
/// <c>RateLimits:&lt;policy&gt;:PermitLimit</c> and <c>:Window</c>, validated at start; the host's rejection
/// (429 problem+json with Retry-After) applies to all of them alike.
/// </summary>
public static class RateLimits
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Adds the policy <paramref name="policy"/>: each request is counted in the partition <paramref name="partitionKey"/>
    /// names, or not at all when it names none. <paramref name="legacySetting"/>, a per-minute key that predates the
    /// section, still sets the permit limit when <c>RateLimits:&lt;policy&gt;:PermitLimit</c> is not set.
    /// </summary>
    public static IServiceCollection AddRateLimitPolicy(
        this IServiceCollection services, IConfiguration configuration, string policy, int defaultPermitLimit, Func<HttpContext, string?> partitionKey, string? legacySetting = null)
    {
        AddLimit(services, configuration, policy, defaultPermitLimit, legacySetting);
        services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<RateLimitOptions>>((limiter, limits) =>
            limiter.AddPolicy(policy, http => Partition(policy, limits.Get(policy), partitionKey(http))));
        return services;
    }

    /// <summary>The same as a policy, but counted on every request before any endpoint policy.</summary>
    public static IServiceCollection AddGlobalRateLimit(
        this IServiceCollection services, IConfiguration configuration, int defaultPermitLimit, Func<HttpContext, string?> partitionKey, string? legacySetting = null)
    {
        AddLimit(services, configuration, RateLimitPolicies.Global, defaultPermitLimit, legacySetting);
        services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<RateLimitOptions>>((limiter, limits) =>
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                Partition(RateLimitPolicies.Global, limits.Get(RateLimitPolicies.Global), partitionKey(http))));
        return services;
    }

    /// <summary>The client's network (IPv4 address, IPv6 /64), the partition of anything limited per client.</summary>
    public static string ClientKey(HttpContext http) => ClientNetwork.Of(http.Connection.RemoteIpAddress);

    private static void AddLimit(IServiceCollection services, IConfiguration configuration, string policy, int defaultPermitLimit, string? legacySetting)
    {
        var section = configuration.GetSection($"{Section}:{policy}");
        services.AddOptions<RateLimitOptions>(policy)
            .Configure(limit =>
            {
                limit.PermitLimit = defaultPermitLimit;
                if (legacySetting is not null && configuration[legacySetting] is { } legacy)
                {
                    // Left unparsed when it is not a number, so validation names the setting instead of binding throwing.
                    limit.PermitLimit = int.TryParse(legacy, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                }
            })
            .Bind(section)
            .Validate(limit => limit.PermitLimit > 0, $"{Section}:{policy}:PermitLimit{(legacySetting is null ? "" : $" (or {legacySetting})")} must be a whole number above 0.")
            .Validate(limit => limit.Window > TimeSpan.Zero, $"{Section}:{policy}:Window must be above zero.")
            .ValidateOnStart();
    }

    private static RateLimitPartition<string> Partition(string policy, RateLimitOptions limit, string? key) => key is null
        ? RateLimitPartition.GetNoLimiter(policy)
        : RateLimitPartition.GetFixedWindowLimiter(
            $"{policy}:{key}",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 });
}
