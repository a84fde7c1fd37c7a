using System.Net;
using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Tests.Hosting;

/// <summary>The real host started as the worker (<c>--role worker</c>).</summary>
public sealed class WorkerHost : MarketplaceFactory
{
    public WorkerHost() => Settings[HostRoles.Key] = "worker";
}

/// <summary>The real host started as an API replica (<c>--role api</c>).</summary>
public sealed class ApiReplicaHost : MarketplaceFactory
{
    public ApiReplicaHost() => Settings[HostRoles.Key] = "api";
}

/// <summary>
/// Behind the balancer, API replicas serve every route and run only what each replica needs for itself (its outbox
/// relays, its rules, its caches' evictions); the worker runs the shared consumers, timers, sweepers and payouts,
/// and serves only its health probes.
/// </summary>
public sealed class HostRoleTests(WorkerHost worker, ApiReplicaHost replica) : IClassFixture<WorkerHost>, IClassFixture<ApiReplicaHost>
{
    private static readonly string[] SharedWork =
        ["DeadlineSweeper", "AbandonedCheckoutSweeper", "PayoutScheduler", "CaptureScheduler", "ReconciliationJob", "WebhookDispatcher", "MailDispatcher", "ReservationSweeper", "TrackingPoll"];

    private static readonly string[] ReplicaWork = ["RulesWatcher", "ShutdownDrain", "PopularityFlusher"];

    /// <summary>What only a process that serves the API runs: the worker runs no checkout, so it is no checkout runner.</summary>
    private const string ServingWork = "CheckoutRunnerHeartbeat";

    [Fact]
    public async Task The_worker_runs_the_shared_jobs_and_consumers_and_serves_only_its_health()
    {
        var client = worker.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/categories")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var jobs = HostedServices(worker);
        Assert.All(SharedWork.Concat(ReplicaWork), job => Assert.Contains(job, jobs));
        Assert.DoesNotContain(ServingWork, jobs);
        Assert.Contains(jobs, job => job.StartsWith("OutboxRelay", StringComparison.Ordinal));
        Assert.True(IsRegistered(worker, "OrderListProjector"));
        Assert.True(IsRegistered(worker, "ProductDetailEviction"));
    }

    [Fact]
    public async Task An_api_replica_serves_every_route_and_runs_only_its_own_work()
    {
        var client = replica.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/categories")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var jobs = HostedServices(replica);
        Assert.All(SharedWork, job => Assert.DoesNotContain(job, jobs));
        Assert.All(ReplicaWork.Append(ServingWork), job => Assert.Contains(job, jobs));
        Assert.Contains(jobs, job => job.StartsWith("OutboxRelay", StringComparison.Ordinal));
        Assert.False(IsRegistered(replica, "OrderListProjector"));
        Assert.False(IsRegistered(replica, "PaymentOutcomeConsumer"));
        Assert.True(IsRegistered(replica, "ProductDetailEviction"));
    }

    [Fact]
    public void An_unknown_role_stops_start_up_naming_the_choices()
    {
        using var host = new MarketplaceFactory();
        host.Settings[HostRoles.Key] = "boss";

        var refusal = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("use all, api or worker", refusal.ToString(), StringComparison.Ordinal);
    }

    private static List<string> HostedServices(MarketplaceFactory host) =>
        [.. host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name)];

    /// <summary>Whether MassTransit registered the consumer (it adds each consumer type as a service of its own).</summary>
    private static bool IsRegistered(MarketplaceFactory host, string consumer)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Marketplace.", StringComparison.Ordinal) == true)
            .SelectMany(a => a.GetTypes())
            .Single(t => t.Name == consumer);
        return host.Services.GetRequiredService<IServiceProviderIsService>().IsService(type);
    }
}
