using System.Text.Json;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;

namespace Marketplace.Notifications.Deliveries;

/// <summary>What a webhook body holds: the Standard Webhooks envelope (<c>type</c>, <c>timestamp</c>, <c>data</c>).</summary>
internal static class WebhookPayloads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private sealed record Envelope(string Type, DateTimeOffset Timestamp, object Data);

    /// <summary>The order as a partner sees it; the customer stays out: a seller reads it through the orders API.</summary>
    private sealed record OrderData(
        Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, MoneyData Total, DateTimeOffset CreatedAt, int Version, string Status,
        string? Carrier = null, string? TrackingNumber = null, bool? ConfirmedByCustomer = null, string? CancelledBy = null, string? Reason = null);

    private sealed record MoneyData(decimal Amount, string Currency);

    private sealed record ShipDeadlineData(Guid OrderId, Guid OrderGroupId, string Number, Guid SellerId, int Version, string Status, DateTimeOffset ShipBy);

    private sealed record TestData(Guid EndpointId, string Message);

    public static string Body(string type, DateTimeOffset at, object data) => JsonSerializer.Serialize(new Envelope(type, at, data), Json);

    public static object Data(OrderPlaced e) => Order(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.Total, e.CreatedAt, e.Version, "placed");

    public static object Data(OrderAccepted e) => Order(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.Total, e.CreatedAt, e.Version, "accepted");

    public static object Data(OrderShipped e) =>
        Order(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.Total, e.CreatedAt, e.Version, "shipped") with { Carrier = e.Carrier, TrackingNumber = e.TrackingNumber };

    public static object Data(OrderDelivered e) =>
        Order(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.Total, e.CreatedAt, e.Version, e.ConfirmedByCustomer ? "completed" : "delivered") with
        {
            ConfirmedByCustomer = e.ConfirmedByCustomer,
        };

    public static object Data(OrderCancelled e) =>
        Order(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.Total, e.CreatedAt, e.Version, "cancelled") with { CancelledBy = e.Transition, Reason = e.Reason };

    public static object Data(OrderShipDeadlineMissed e) => new ShipDeadlineData(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.Version, e.Status, e.ShipBy);

    public static object Test(Guid endpointId) => new TestData(endpointId, "A test event sent on request; it is about no order.");

    private static OrderData Order(Guid orderId, Guid groupId, string number, Guid sellerId, Money total, DateTimeOffset createdAt, int version, string status) =>
        new(orderId, groupId, number, sellerId, new MoneyData(total.Amount, total.Currency), createdAt, version, status);
}
