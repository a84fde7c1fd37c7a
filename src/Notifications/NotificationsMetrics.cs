using System.Diagnostics.Metrics;

namespace Marketplace.Notifications;

/// <summary>Notifications' instruments (ops/metrics.md, "Checkout and money"): webhook delivery attempts that failed.</summary>
internal sealed class NotificationsMetrics
{
    public const string MeterName = "Marketplace.Notifications";

    private readonly Counter<long> _webhookFailures;

    public NotificationsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _webhookFailures = meter.CreateCounter<long>(
            "marketplace.webhook.deliveries.failed", description: "Webhook delivery attempts that failed (no answer, or not 2xx); each retry counts");
    }

    public void WebhookAttemptsFailed(int count)
    {
        if (count > 0)
        {
            _webhookFailures.Add(count);
        }
    }
}
