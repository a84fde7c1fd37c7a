namespace Marketplace.Notifications;

/// <summary>The partner webhooks' limits and timings, bound from <c>Notifications:Webhooks</c>.</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Notifications:Webhooks";

    /// <summary>Most endpoints one seller may register.</summary>
    public int MaxEndpointsPerSeller { get; set; } = 10;

    /// <summary>How long the secret a rotation replaced still signs deliveries, beside the new one.</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a delivery is retried, from its event (or its manual redelivery), before it is given up.</summary>
    public TimeSpan MaxDeliveryAge { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The wait after the first failed attempt; it doubles with each further failure, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts of one delivery.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An endpoint whose every attempt failed for this long is disabled, with the reason on it.</summary>
    public TimeSpan DisableAfterFailingFor { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long one attempt may take, connection and response headers included.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes of a receiver's response body read (and partly kept in the log); the rest is dropped.</summary>
    public int MaxResponseBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How often the dispatcher looks for due deliveries.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most deliveries one replica claims per round.</summary>
    public int DispatchBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a delivery of an order waits for the order's previous event to be recorded before it goes out anyway.
    /// Events reach the consumer out of order when the broker redelivers what a stopped replica held, or when batches of
    /// two event types commit in the other order; the wait keeps them in order at the receiver.
    /// </summary>
    public TimeSpan OrderHoldBack { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the mark that an order event was recorded is kept for the order's next event to find. Moves of one order
    /// more than this apart cost the later one a wait of <see cref="OrderHoldBack"/>, never its order: the earlier event
    /// went out long before.
    /// </summary>
    public TimeSpan OrderEventMarkRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Most deliveries one replica sends at once.</summary>
    public int DispatchConcurrency { get; set; } = 32;

    /// <summary>How long a claimed delivery is held by its replica; a replica that dies lets its claims go after this.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Lets endpoints on loopback addresses (and plain http to them) through the address guard. Unset, it is on for the
    /// embedded profile only (SQLite), where a developer's receiver runs on the same machine; never set it in production.
    /// </summary>
    public bool? AllowLoopback { get; set; }

    /// <summary>How long a delivered or given-up delivery stays in the log, with its attempts.</summary>
    public TimeSpan DeliveryLogRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the log is cleared of deliveries past <see cref="DeliveryLogRetention"/>.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows per page of an endpoint's delivery log.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>The largest <c>limit</c> the delivery log accepts.</summary>
    public int MaxPageSize { get; set; } = 100;
}
