using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Marketplace.Platform.Telemetry;

/// <summary>
/// The platform's own measurements (ops/metrics.md, "The platform"): request budgets, the outboxes and inboxes, the
/// Redis client, and readiness. One meter for the process: the inbox and the budgets are shared code that every module runs.
/// </summary>
public static class PlatformMetrics
{
    public const string MeterName = "Marketplace.Platform";

    private static readonly Meter Meter = new(MeterName);

    // Counted here and reported as observable counters: every scrape then carries each series from the start (a rate
    // over a counter that has not moved is defined), whichever meter listener came first in the process.
    private static readonly ConcurrentDictionary<string, long> BudgetRejections = new(StringComparer.Ordinal) { ["reads"] = 0, ["writes"] = 0 };

    private static readonly ConcurrentDictionary<string, long> InboxDuplicates = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, (long Pending, double OldestAgeSeconds)> Outboxes = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, double> Readiness = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, long> OutboxPublished = new(StringComparer.Ordinal);

    // Per cache, hits then misses: one dictionary read and one interlocked add per lookup, on the hottest read paths.
    private static readonly ConcurrentDictionary<string, long[]> CacheLookups = new(StringComparer.Ordinal);

    private static readonly Histogram<double> ConsumeLag = Meter.CreateHistogram<double>(
        "marketplace.messaging.consume_lag", unit: "s", description: "From a message's publish to the start of its consumption",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    private static readonly Counter<long> ConsumeFaults = Meter.CreateCounter<long>(
        "marketplace.messaging.consume_faults", description: "Consume attempts that threw; each retry counts");

    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "marketplace.messaging.dead_letters", description: "Messages moved to their endpoint's _error queue once their retries were spent");

    // The Redis clients to report (one per process; test hosts make one each, and the table forgets a collected one).
    private static readonly ConditionalWeakTable<IConnectionMultiplexer, object?> RedisClients = [];

    private static readonly Counter<long> RedisConnectionFailures = Meter.CreateCounter<long>(
        "marketplace.redis.connection_failures", description: "Connections to Redis that failed or dropped, by failure type");

    static PlatformMetrics()
    {
        Meter.CreateObservableCounter("marketplace.request_budget.rejections",
            () => BudgetRejections.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("budget", b.Key))),
            description: "Requests answered 503 because their budget's queue was full");
        Meter.CreateObservableCounter("marketplace.inbox.duplicates",
            () => InboxDuplicates.Select(i => new Measurement<long>(i.Value, new KeyValuePair<string, object?>("consumer", i.Key))),
            description: "Messages a consumer had already applied, skipped");
        Meter.CreateObservableCounter("marketplace.outbox.published",
            () => OutboxPublished.Select(o => new Measurement<long>(o.Value, new KeyValuePair<string, object?>("module", o.Key))),
            description: "Outbox events the broker accepted, by module");
        Meter.CreateObservableGauge("marketplace.outbox.pending",
            () => Outboxes.Select(o => new Measurement<long>(o.Value.Pending, new KeyValuePair<string, object?>("module", o.Key))),
            description: "Outbox rows not yet published, as of the relay's last look");
        Meter.CreateObservableGauge("marketplace.outbox.oldest_pending_age",
            () => Outboxes.Select(o => new Measurement<double>(o.Value.OldestAgeSeconds, new KeyValuePair<string, object?>("module", o.Key))),
            unit: "s", description: "Age of the oldest unpublished outbox row (0 when none), as of the relay's last look");
        Meter.CreateObservableCounter("marketplace.cache.lookups",
            () => CacheLookups.SelectMany(c => new[]
            {
                new Measurement<long>(Interlocked.Read(ref c.Value[0]), new KeyValuePair<string, object?>("cache", c.Key), new KeyValuePair<string, object?>("result", "hit")),
                new Measurement<long>(Interlocked.Read(ref c.Value[1]), new KeyValuePair<string, object?>("cache", c.Key), new KeyValuePair<string, object?>("result", "miss")),
            }),
            description: "Lookups of the in-process caches, by cache and result (hit or miss); counted only while the cache is on");
        // The Redis client's state, read from its own counters at each scrape, so a request pays nothing for them.
        Meter.CreateObservableGauge("marketplace.redis.connected",
            () => Redis().Select(c => c.IsConnected ? 1L : 0L).DefaultIfEmpty(1L).Min(),
            description: "1 while every Redis client of the process is connected, else 0");
        Meter.CreateObservableCounter("marketplace.redis.operations",
            () => Redis().Select(c => c.GetCounters()).Sum(s => s.Interactive.OperationCount + s.Subscription.OperationCount),
            description: "Operations sent to Redis");
        Meter.CreateObservableCounter("marketplace.redis.operations_failed",
            () => Redis().Select(c => c.GetCounters()).Sum(s => s.Interactive.FailedAsynchronously + s.Subscription.FailedAsynchronously),
            description: "Operations whose answer was a failure (timeouts and lost connections included)");
        Meter.CreateObservableGauge("marketplace.redis.outstanding",
            () => Redis().Sum(c => c.GetCounters().TotalOutstanding),
            description: "Operations queued to send or awaiting their answer: the backlog that grows first when Redis or the network slows");
        Meter.CreateObservableGauge("marketplace.readiness",
            () => Readiness.Select(r => new Measurement<double>(r.Value, new KeyValuePair<string, object?>("check", r.Key))),
            description: "Each readiness check as of the last probe: 1 healthy, 0.5 degraded, 0 unhealthy");
    }

    /// <summary>Reports <paramref name="client"/>'s state from now on, and counts its connection failures.</summary>
    public static void WatchRedis(IConnectionMultiplexer client)
    {
        RedisClients.AddOrUpdate(client, null);
        client.ConnectionFailed += (_, failure) =>
            RedisConnectionFailures.Add(1, new KeyValuePair<string, object?>("failure_type", failure.FailureType.ToString()));
    }

    private static IEnumerable<IConnectionMultiplexer> Redis() => RedisClients.Select(c => c.Key);

    /// <summary>Counts one lookup of <paramref name="cache"/> (a fixed name, such as <c>listing</c>).</summary>
    public static void CacheLookup(string cache, bool hit) =>
        Interlocked.Increment(ref CacheLookups.GetOrAdd(cache, static _ => new long[2])[hit ? 0 : 1]);

    public static void Consumed(string endpoint, double lagSeconds) =>
        ConsumeLag.Record(Math.Max(0, lagSeconds), new KeyValuePair<string, object?>("endpoint", endpoint));

    public static void ConsumeFaulted(string endpoint) => ConsumeFaults.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public static void DeadLettered(string endpoint) => DeadLetters.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public static void BudgetRejected(string budget) => BudgetRejections.AddOrUpdate(budget, 1, (_, n) => n + 1);

    public static void InboxDuplicate(string consumer, int count = 1)
    {
        if (count > 0)
        {
            InboxDuplicates.AddOrUpdate(consumer, count, (_, n) => n + count);
        }
    }

    public static void Published(string module, int count) => OutboxPublished.AddOrUpdate(module, count, (_, n) => n + count);

    public static void OutboxBacklog(string module, long pending, TimeSpan oldestAge) =>
        Outboxes[module] = (pending, Math.Max(0, oldestAge.TotalSeconds));

    public static void ReadinessReported(HealthReport report)
    {
        foreach (var (check, entry) in report.Entries)
        {
            Readiness[check] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        }
    }
}
