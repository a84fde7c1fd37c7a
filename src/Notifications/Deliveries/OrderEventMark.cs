namespace Marketplace.Notifications.Deliveries;

/// <summary>
/// That an order event of this version has been recorded here, whether or not any endpoint takes its type. Every move of
/// an order raises exactly one order event and adds one to its version, so the events of an order are numbered without
/// gaps from its placement on: a delivery waits for the mark of the version before its own (see
/// <see cref="WebhookDelivery.AwaitsVersion"/>) and so never overtakes an earlier event still on its way through the broker.
/// </summary>
internal sealed class OrderEventMark
{
    public Guid OrderId { get; init; }

    public int Version { get; init; }

    /// <summary>When it was recorded, as Unix milliseconds (the same on both engines); purged after <c>OrderEventMarkRetention</c>.</summary>
    public long RecordedAtUnixMs { get; init; }
}
