namespace Marketplace.Notifications.Webhooks;

/// <summary>The event types a seller can subscribe an endpoint to, as they appear in a payload's <c>type</c>.</summary>
internal static class WebhookEventTypes
{
    public const string OrderPlaced = "order.placed";
    public const string OrderAccepted = "order.accepted";
    public const string OrderShipped = "order.shipped";
    public const string OrderDelivered = "order.delivered";
    public const string OrderCancelled = "order.cancelled";

    /// <summary>The order was not shipped by its ship-by deadline (Ordering's deadlines).</summary>
    public const string OrderShipDeadlineMissed = "order.ship_deadline_missed";

    /// <summary>Sent only by the test-event route, to one endpoint, whatever it subscribes to.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> Subscribable = [OrderPlaced, OrderAccepted, OrderShipped, OrderDelivered, OrderCancelled, OrderShipDeadlineMissed];

    public static string Listed => string.Join(", ", Subscribable);
}
