using Marketplace.Ordering.Lists;
using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Reading;

/// <summary>One seller's order as its customer and its seller read it.</summary>
/// <param name="Id">The order's id.</param>
/// <param name="Number">The order's number (the group's number and the seller's suffix).</param>
/// <param name="OrderGroupId">The checkout it belongs to.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Status">Where it stands: pending_payment, placed, accepted, shipped, delivered, completed or cancelled.</param>
/// <param name="Version">Its version; the ETag, to send back in If-Match on a status change.</param>
/// <param name="Currency">The ISO 4217 currency of every amount.</param>
/// <param name="ItemsTotal">The lines together, after discounts.</param>
/// <param name="DeliveryPrice">The quoted price of the chosen delivery.</param>
/// <param name="Total">Items and delivery.</param>
/// <param name="Delivery">The delivery option chosen at checkout.</param>
/// <param name="Carrier">The carrier, once shipped with one.</param>
/// <param name="TrackingNumber">The tracking number, once shipped with a carrier.</param>
/// <param name="CancellationReason">Why it was cancelled, when it was.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="UpdatedAt">When it last moved.</param>
/// <param name="Lines">The lines as priced at checkout.</param>
/// <param name="Timeline">Every move, oldest first: who, when and why.</param>
/// <remarks><see cref="Parcels"/> is filled by the reads of one order; lists and status changes leave it empty.</remarks>
public sealed record OrderResponse(
    Guid Id,
    string Number,
    Guid OrderGroupId,
    Guid SellerId,
    string Status,
    int Version,
    string Currency,
    decimal ItemsTotal,
    decimal DeliveryPrice,
    decimal Total,
    OrderDeliveryResponse Delivery,
    string? Carrier,
    string? TrackingNumber,
    string? CancellationReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<OrderLineResponse> Lines,
    IReadOnlyList<OrderTimelineEntry> Timeline)
{
    /// <summary>The parcels shipped, first shipped first, each with its tracking timeline, status and ETA.</summary>
    public IReadOnlyList<ParcelResponse> Parcels { get; init; } = [];

    /// <summary>Its deadlines (accept by, ship by, deliver by) and which of them it missed; null for an order never placed.</summary>
    public OrderDeadlinesResponse? Deadlines { get; init; }

    internal static OrderResponse From(SellerOrder order) => new OrderResponse(
        order.Id,
        order.Number,
        order.GroupId,
        order.SellerId,
        OrderWords.Of(order.Status),
        order.Version,
        order.Currency,
        order.ItemsTotal,
        order.Delivery.Price,
        order.Total,
        OrderDeliveryResponse.From(order),
        order.Carrier,
        order.TrackingNumber,
        order.CancellationReason,
        order.CreatedAt,
        order.UpdatedAt,
        order.Lines.OrderBy(l => l.SkuCode, StringComparer.Ordinal).Select(OrderLineResponse.From).ToList(),
        order.History.OrderBy(h => h.Version).Select(OrderTimelineEntry.Of).ToList())
    {
        Deadlines = OrderDeadlinesResponse.From(order),
    };
}

/// <summary>An order's deadlines, set when it was placed by the runtime rules "fulfilment", and what became of them.</summary>
/// <param name="AcceptBy">The seller accepts it by then, or it is cancelled.</param>
/// <param name="ShipBy">The seller hands it over by then (the offer's dispatch days from placement, at the day's ship cut-off).</param>
/// <param name="DeliverBy">It arrives by then (the quote's latest day, with the grace of the rules), or it counts as late.</param>
/// <param name="ShipDeadlineMissed">True once its ship-by passed before it shipped.</param>
/// <param name="ShipDeadlineMissedAt">When its ship-by timer found it not shipped.</param>
/// <param name="DeliveryLate">True once its deliver-by passed before it was delivered.</param>
/// <param name="DeliveryLateAt">When its deliver-by timer found it not delivered.</param>
public sealed record OrderDeadlinesResponse(
    DateTimeOffset? AcceptBy, DateTimeOffset? ShipBy, DateTimeOffset? DeliverBy, bool ShipDeadlineMissed, DateTimeOffset? ShipDeadlineMissedAt, bool DeliveryLate, DateTimeOffset? DeliveryLateAt)
{
    internal static OrderDeadlinesResponse? From(SellerOrder order) => order.PlacedAt is null && order.Sla.AcceptBy is null
        ? null
        : new(order.Sla.AcceptBy, order.Sla.ShipBy, order.Sla.DeliverBy, order.Sla.ShipMissedAt is not null, order.Sla.ShipMissedAt,
            order.Sla.DeliveryLateAt is not null, order.Sla.DeliveryLateAt);
}

/// <summary>The delivery chosen at checkout, as quoted.</summary>
/// <param name="QuoteId">The delivery quote.</param>
/// <param name="OptionId">The option of the quote.</param>
/// <param name="Kind">courier_to_door, pickup_point or seller_own_delivery.</param>
/// <param name="CarrierId">The carrier that quoted it.</param>
/// <param name="ServiceName">The service's name.</param>
/// <param name="Price">What the customer pays for it.</param>
/// <param name="EtaEarliest">The first day it may arrive.</param>
/// <param name="EtaLatest">The last day it should arrive.</param>
public sealed record OrderDeliveryResponse(
    Guid QuoteId, string OptionId, string Kind, string CarrierId, string ServiceName, decimal Price, DateOnly EtaEarliest, DateOnly EtaLatest)
{
    internal static OrderDeliveryResponse From(SellerOrder order) => new(
        order.Delivery.QuoteId,
        order.Delivery.OptionId,
        OrderWords.Of(order.DeliveryKind),
        order.Delivery.CarrierId,
        order.Delivery.ServiceName,
        order.Delivery.Price,
        order.Delivery.EtaEarliest,
        order.Delivery.EtaLatest);
}

/// <summary>A line as priced at checkout.</summary>
/// <param name="OfferId">The offer bought.</param>
/// <param name="SkuId">Its SKU.</param>
/// <param name="SkuCode">The SKU's code.</param>
/// <param name="Title">The product's title then.</param>
/// <param name="Quantity">Units.</param>
/// <param name="UnitPrice">The seller's price per unit then.</param>
/// <param name="Discount">What discounts took off the line.</param>
/// <param name="LineTotal">What the line cost.</param>
/// <param name="PricingExplanation">The pricing explanation of the line, as the cart showed it.</param>
/// <param name="LineId">The line's id, which a refund by line names.</param>
/// <param name="RefundedQuantity">Units refunded so far.</param>
public sealed record OrderLineResponse(
    Guid OfferId, Guid SkuId, string SkuCode, string Title, int Quantity, decimal UnitPrice, decimal Discount, decimal LineTotal, System.Text.Json.JsonElement PricingExplanation,
    Guid LineId, int RefundedQuantity)
{
    internal static OrderLineResponse From(OrderLine line) => new(
        line.OfferId,
        line.SkuId,
        line.SkuCode,
        line.Title,
        line.Quantity,
        line.UnitPrice,
        line.Discount,
        line.LineTotal,
        System.Text.Json.JsonDocument.Parse(line.PricingExplanation).RootElement.Clone(),
        line.Id,
        line.RefundedQuantity);
}

/// <summary>One move of an order.</summary>
/// <param name="Version">The version it produced.</param>
/// <param name="Transition">Its name in the transition table (PaymentAuthorized, Accept, Reject, MarkShipped…).</param>
/// <param name="From">The status before.</param>
/// <param name="To">The status after.</param>
/// <param name="Actor">Who asked: customer, seller, system or admin.</param>
/// <param name="Reason">Why, when a reason was given.</param>
/// <param name="At">When.</param>
public sealed record OrderTimelineEntry(int Version, string Transition, string From, string To, string Actor, string? Reason, DateTimeOffset At)
{
    internal static OrderTimelineEntry Of(OrderHistoryEntry entry) => new(
        entry.Version,
        entry.Transition.ToString(),
        OrderWords.Of(entry.From),
        OrderWords.Of(entry.To),
        entry.ActorKind.ToString().ToLowerInvariant(),
        entry.Reason,
        entry.At);
}

/// <summary>A row of an order list: enough to show it and to open it.</summary>
/// <param name="Id">The order's id.</param>
/// <param name="Number">Its number.</param>
/// <param name="OrderGroupId">Its checkout.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Version">Its version (ETag).</param>
/// <param name="Currency">The currency.</param>
/// <param name="Total">Items and delivery.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="UpdatedAt">When it last moved.</param>
public sealed record OrderSummary(Guid Id, string Number, Guid OrderGroupId, Guid SellerId, string Status, int Version, string Currency, decimal Total, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static OrderSummary From(OrderListEntry entry) =>
        new(entry.OrderId, entry.Number, entry.GroupId, entry.SellerId, OrderWords.Of(entry.Status), entry.Version, entry.Currency, entry.Total, entry.CreatedAt, entry.UpdatedAt);
}

/// <summary>The API's snake_case words for Ordering's enums.</summary>
internal static class OrderWords
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static bool TryParse<TEnum>(string? word, out TEnum value)
        where TEnum : struct, Enum =>
        Enum.TryParse(word?.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value);
}
