using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Platform.Telemetry;

/// <summary>
/// The platform's own measurements (ops/metrics.md, "The platform"): request budgets, the outboxes and inboxes, and
/// readiness. One meter for the process: the inbox and the budgets are shared code that every module runs.
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

    static PlatformMetrics()
    {
        Meter.CreateObservableCounter("marketplace.request_budget.rejections",
            () => BudgetRejections.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("budget", b.Key))),
            description: "Requests answered 503 because their budget's queue was full");
        Meter.CreateObservableCounter("marketplace.inbox.duplicates",
            () => InboxDuplicates.Select(i => new Measurement<long>(i.Value, new KeyValuePair<string, object?>("consumer", i.Key))),
            description: "Messages a consumer had already applied, skipped");
        Meter.CreateObservableGauge("marketplace.outbox.pending",
            () => Outboxes.Select(o => new Measurement<long>(o.Value.Pending, new KeyValuePair<string, object?>("module", o.Key))),
            description: "Outbox rows not yet published, as of the relay's last look");
        Meter.CreateObservableGauge("marketplace.outbox.oldest_pending_age",
            () => Outboxes.Select(o => new Measurement<double>(o.Value.OldestAgeSeconds, new KeyValuePair<string, object?>("module", o.Key))),
            unit: "s", description: "Age of the oldest unpublished outbox row (0 when none), as of the relay's last look");
        Meter.CreateObservableGauge("marketplace.readiness",
            () => Readiness.Select(r => new Measurement<double>(r.Value, new KeyValuePair<string, object?>("check", r.Key))),
            description: "Each readiness check as of the last probe: 1 healthy, 0.5 degraded, 0 unhealthy");
    }

    public static void BudgetRejected(string budget) => BudgetRejections.AddOrUpdate(budget, 1, (_, n) => n + 1);

    public static void InboxDuplicate(string consumer, int count = 1)
    {
        if (count > 0)
        {
            InboxDuplicates.AddOrUpdate(consumer, count, (_, n) => n + count);
        }
    }

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
