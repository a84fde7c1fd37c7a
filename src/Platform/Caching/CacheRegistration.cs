using Marketplace.Platform.Hosting;
using Marketplace.Platform.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Marketplace.Platform.Caching;

public static class CacheRegistration
{
    /// <summary>
    /// The shared cache: Redis when <c>ConnectionStrings:Redis</c> is set (one <see cref="IConnectionMultiplexer"/>
    /// per process, part of readiness), else modules keep their state in process memory.
    /// </summary>
    public static IServiceCollection AddMarketplaceCache(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton(new ComponentAdapter("cache", "in-process memory"));
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            // Start even while Redis is down; the readiness check reports it and the client reconnects.
            options.AbortOnConnectFail = false;
            var client = ConnectionMultiplexer.Connect(options);
            PlatformMetrics.WatchRedis(client);
            return client;
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("cache-redis", tags: ["ready"]);
        services.AddSingleton(new ComponentAdapter("cache", "redis"));
        return services;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");
        }
        catch (RedisException e)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", e);
        }
    }
}
