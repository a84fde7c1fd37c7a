using Marketplace.Delivery.Contracts;

namespace Marketplace.Delivery.Carriers.Cdek;

/// <summary>
/// CDEK's order status codes (API v2, appendix "order statuses") in the normalised set. A code not in the table
/// (CDEK adds some now and then) moves nothing: it is logged and left out of the tracking.
/// </summary>
internal static class CdekStatusMap
{
    public static readonly IReadOnlyDictionary<string, ShipmentStatus> Table = new Dictionary<string, ShipmentStatus>(StringComparer.Ordinal)
    {
        ["ACCEPTED"] = ShipmentStatus.LabelCreated,
        ["CREATED"] = ShipmentStatus.LabelCreated,
        ["RECEIVED_AT_SHIPMENT_WAREHOUSE"] = ShipmentStatus.HandedOver,
        ["READY_FOR_SHIPMENT_IN_SENDER_CITY"] = ShipmentStatus.InTransit,
        ["RETURNED_TO_SENDER_CITY_WAREHOUSE"] = ShipmentStatus.InTransit,
        ["TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY"] = ShipmentStatus.InTransit,
        ["SENT_TO_TRANSIT_CITY"] = ShipmentStatus.InTransit,
        ["ACCEPTED_IN_TRANSIT_CITY"] = ShipmentStatus.InTransit,
        ["ACCEPTED_AT_TRANSIT_WAREHOUSE"] = ShipmentStatus.InTransit,
        ["RETURNED_TO_TRANSIT_WAREHOUSE"] = ShipmentStatus.InTransit,
        ["READY_FOR_SHIPMENT_IN_TRANSIT_CITY"] = ShipmentStatus.InTransit,
        ["TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY"] = ShipmentStatus.InTransit,
        ["SENT_TO_RECIPIENT_CITY"] = ShipmentStatus.InTransit,
        ["ACCEPTED_IN_RECIPIENT_CITY"] = ShipmentStatus.InTransit,
        ["ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE"] = ShipmentStatus.InTransit,
        ["IN_CUSTOMS_INTERNATIONAL"] = ShipmentStatus.InTransit,
        ["SHIPPED_TO_DESTINATION"] = ShipmentStatus.InTransit,
        ["PASSED_TO_TRANSIT_CARRIER"] = ShipmentStatus.InTransit,
        ["IN_CUSTOMS_LOCAL"] = ShipmentStatus.InTransit,
        ["CUSTOMS_COMPLETE"] = ShipmentStatus.InTransit,
        ["ACCEPTED_AT_PICK_UP_POINT"] = ShipmentStatus.AtPickupPoint,
        ["POSTOMAT_POSTED"] = ShipmentStatus.AtPickupPoint,
        ["TAKEN_BY_COURIER"] = ShipmentStatus.OutForDelivery,
        ["DELIVERED"] = ShipmentStatus.Delivered,
        ["POSTOMAT_RECEIVED"] = ShipmentStatus.Delivered,

        // After a failed courier visit the parcel goes back to the delivery warehouse for another try.
        ["RETURNED_TO_RECIPIENT_CITY_WAREHOUSE"] = ShipmentStatus.FailedAttempt,
        ["NOT_DELIVERED"] = ShipmentStatus.FailedAttempt,

        // Not collected from the locker in time: taken out by a courier.
        ["POSTOMAT_SEIZED"] = ShipmentStatus.FailedAttempt,

        // The parcel travels back: towards the sender's city, then met there.
        ["SENT_TO_SENDER_CITY"] = ShipmentStatus.Returned,
        ["ACCEPTED_IN_SENDER_CITY"] = ShipmentStatus.Returned,
        ["REMOVED"] = ShipmentStatus.Cancelled,
    };

    public static ShipmentStatus? Normalise(string code) => Table.TryGetValue(code, out var status) ? status : null;

    /// <summary>
    /// Where a shipment stands after these events in time order: each moves the status only when
    /// <see cref="ShipmentStatuses.CanMove"/> allows it, so a late or repeated event changes nothing.
    /// </summary>
    public static ShipmentStatus Current(IEnumerable<ShipmentStatus> inTimeOrder) =>
        inTimeOrder.Aggregate(ShipmentStatus.LabelCreated, (current, next) => ShipmentStatuses.CanMove(current, next) ? next : current);
}
