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

    private static readonly Counter<long> BudgetRejections =
        Meter.CreateCounter<long>("marketplace.request_budget.rejections", description: "Requests answered 503 because their budget's queue was full");

    private static readonly Counter<long> InboxDuplicates =
        Meter.CreateCounter<long>("marketplace.inbox.duplicates", description: "Messages a consumer had already applied, skipped");

    private static readonly ConcurrentDictionary<string, (long Pending, double OldestAgeSeconds)> Outboxes = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, double> Readiness = new(StringComparer.Ordinal);

    static PlatformMetrics()
    {
        Meter.CreateObservableGauge("marketplace.outbox.pending",
            () => Outboxes.Select(o => new Measurement<long>(o.Value.Pending, new KeyValuePair<string, object?>("module", o.Key))),
            description: "Outbox rows not yet published, as of the relay's last look");
        Meter.CreateObservableGauge("marketplace.outbox.oldest_pending_age",
            () => Outboxes.Select(o => new Measurement<double>(o.Value.OldestAgeSeconds, new KeyValuePair<string, object?>("module", o.Key))),
            unit: "s", description: "Age of the oldest unpublished outbox row (0 when none), as of the relay's last look");
        Meter.CreateObservableGauge("marketplace.readiness",
            () => Readiness.Select(r => new Measurement<double>(r.Value, new KeyValuePair<string, object?>("check", r.Key))),
            description: "Each readiness check as of the last probe: 1 healthy, 0.5 degraded, 0 unhealthy");

        // Counters appear in a scrape once counted; these start at zero so that a rate over them is defined from the start.
        BudgetRejections.Add(0, new KeyValuePair<string, object?>("budget", "reads"));
        BudgetRejections.Add(0, new KeyValuePair<string, object?>("budget", "writes"));
    }

    public static void BudgetRejected(string budget) => BudgetRejections.Add(1, new KeyValuePair<string, object?>("budget", budget));

    public static void InboxDuplicate(string consumer, int count = 1)
    {
        if (count > 0)
        {
            InboxDuplicates.Add(count, new KeyValuePair<string, object?>("consumer", consumer));
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
