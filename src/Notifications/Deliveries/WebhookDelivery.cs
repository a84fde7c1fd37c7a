namespace Marketplace.Notifications.Deliveries;

internal enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt (or its first).</summary>
    Pending,

    /// <summary>A receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up: too old, or its endpoint answered 410.</summary>
    Failed,
}

/// <summary>
/// One event for one endpoint: the webhook outbox. Written in the transaction that consumed the event, so none is lost
/// across restarts; the body is fixed then, so every attempt sends (and signs) the same bytes under the same id.
/// </summary>
internal sealed class WebhookDelivery
{
    public const int MaxErrorLength = 500;

    /// <summary>Insertion order: the delivery log's order and its keyset.</summary>
    public long Sequence { get; private set; }

    /// <summary>Public id; <c>webhook-id</c> is derived from it, so it is stable per event and endpoint.</summary>
    public Guid Id { get; init; }

    public Guid EndpointId { get; init; }

    public Guid SellerId { get; init; }

    /// <summary>The integration event's message id (a new id for a test event); unique per endpoint.</summary>
    public Guid EventId { get; init; }

    public string EventType { get; init; } = "";

    /// <summary>The order the event is about: deliveries of one order to one endpoint go out in <see cref="OrderVersion"/> order.</summary>
    public Guid? OrderId { get; init; }

    public int OrderVersion { get; init; }

    /// <summary>
    /// The order event that must be recorded (<see cref="OrderEventMark"/>) before this one goes out: the one before it, or
    /// for a flag that moves no version, the one it flags. Null for an order's first event and for events about no order.
    /// A delivery whose awaited event never comes goes out anyway after <c>OrderHoldBack</c>.
    /// </summary>
    public int? AwaitsVersion { get; init; }

    public string Payload { get; init; } = "";

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Set while a dispatcher replica holds the delivery; a lapsed lease lets another replica claim it.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    /// <summary>When retrying started: the event's recording, or the last manual redelivery. The max age counts from it.</summary>
    public DateTimeOffset RetryingSince { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public string WebhookId => $"msg_{Id:N}";

    public List<WebhookAttempt> AttemptLog { get; init; } = [];
}

/// <summary>One try of a delivery, as the delivery log shows it.</summary>
internal sealed class WebhookAttempt
{
    public long Id { get; private set; }

    public Guid DeliveryId { get; init; }

    public DateTimeOffset AttemptedAt { get; init; }

    /// <summary>The receiver's status code; null when no answer came (refused, unreachable, timed out).</summary>
    public int? StatusCode { get; init; }

    public long LatencyMs { get; init; }

    public string? Error { get; init; }
}
