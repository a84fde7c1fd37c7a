using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// Elasticsearch's part of readiness. Down, it makes the replica Degraded, not Unhealthy: search falls back to
/// PostgreSQL, so the replica should stay in rotation.
/// </summary>
internal sealed class ElasticsearchHealthCheck(ProductIndex index) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var ping = await index.Client.PingAsync(cancellationToken);
        return ping.IsValidResponse
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"Elasticsearch cannot be reached ({ProductIndex.Describe(ping)}); search falls back to PostgreSQL.");
    }
}
