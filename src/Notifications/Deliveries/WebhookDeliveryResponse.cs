namespace Marketplace.Notifications.Deliveries;

/// <summary>One event sent (or to be sent) to an endpoint, with every attempt.</summary>
/// <param name="Id">The delivery; name it to redeliver.</param>
/// <param name="WebhookId">The <c>webhook-id</c> header it is sent with: the same on every attempt, so a receiver can drop repeats.</param>
/// <param name="EventType">The payload's <c>type</c>.</param>
/// <param name="OrderId">The order it is about; null for a test event.</param>
/// <param name="Status"><c>pending</c> (waiting for its next attempt), <c>delivered</c> (a 2xx came back) or <c>failed</c> (given up).</param>
/// <param name="Attempts">How many times it was sent.</param>
/// <param name="CreatedAt">When the event was recorded for this endpoint.</param>
/// <param name="NextAttemptAt">When it is sent next, while pending.</param>
/// <param name="CompletedAt">When it was delivered or given up.</param>
/// <param name="LastStatusCode">The status code of the last answer, when one came.</param>
/// <param name="LastError">What went wrong last, when something did.</param>
/// <param name="AttemptLog">The attempts, oldest first.</param>
public sealed record WebhookDeliveryResponse(
    Guid Id, string WebhookId, string EventType, Guid? OrderId, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt, int? LastStatusCode, string? LastError, IReadOnlyList<WebhookAttemptResponse> AttemptLog)
{
    internal static WebhookDeliveryResponse From(WebhookDelivery d) =>
        new(d.Id, d.WebhookId, d.EventType, d.OrderId, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.CreatedAt,
            d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.CompletedAt, d.LastStatusCode, d.LastError,
            d.AttemptLog.OrderBy(a => a.Id).Select(a => new WebhookAttemptResponse(a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error)).ToList());
}

/// <summary>One try of a delivery.</summary>
/// <param name="At">When it was sent.</param>
/// <param name="StatusCode">The receiver's status code; null when no answer came (refused by the address guard, unreachable, timed out).</param>
/// <param name="LatencyMs">Milliseconds from sending to the answer's headers (or to the failure).</param>
/// <param name="Error">What went wrong; null for a 2xx.</param>
public sealed record WebhookAttemptResponse(DateTimeOffset At, int? StatusCode, long LatencyMs, string? Error);
