using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Reading;

/// <summary>A parcel of the order and its tracking timeline.</summary>
/// <param name="Id">The parcel's id.</param>
/// <param name="Carrier">The carrier that carries it.</param>
/// <param name="TrackingNumber">Its tracking number at that carrier.</param>
/// <param name="LabelUrl">Where the seller prints its label (parcels booked through the marketplace; only the seller sees it).</param>
/// <param name="Booked">True when the marketplace booked it with the carrier; false for the seller's own tracking number.</param>
/// <param name="Status">Where it stands: label_created, handed_over, in_transit, at_pickup_point, out_for_delivery, delivered, failed_attempt, returned or cancelled.</param>
/// <param name="ShippedAt">When it was shipped.</param>
/// <param name="EtaEarliest">The first day it may arrive: the quote's window, moved on by a handover later than planned, that day once it is at a pickup point, out for delivery or delivered, and never before today while it is on its way.</param>
/// <param name="EtaLatest">The last day it should arrive, likewise.</param>
/// <param name="Events">The carrier's events, oldest first.</param>
public sealed record ParcelResponse(
    Guid Id,
    string Carrier,
    string TrackingNumber,
    string? LabelUrl,
    bool Booked,
    string Status,
    DateTimeOffset ShippedAt,
    DateOnly EtaEarliest,
    DateOnly EtaLatest,
    IReadOnlyList<ParcelEventResponse> Events)
{
    /// <summary>The parcel as the customer or the seller reads it, with its arrival window as <see cref="ParcelTimelines"/> keeps it.</summary>
    internal static ParcelResponse From(TrackedParcel parcel, SellerOrder order, bool forSeller, DateOnly etaEarliest, DateOnly etaLatest) => new(
        parcel.ParcelId,
        parcel.Carrier,
        parcel.TrackingNumber,
        forSeller ? parcel.LabelReference : null,
        parcel.Booked,
        OrderWords.Of(parcel.Status),
        parcel.ShippedAt,
        etaEarliest,
        etaLatest,
        [.. parcel.Events.Select(e => new ParcelEventResponse(e.At, OrderWords.Of(e.Status), e.Description))]);
}

/// <summary>One event of a parcel.</summary>
/// <param name="At">When the carrier says it happened.</param>
/// <param name="Status">The normalised status it reached.</param>
/// <param name="Description">What happened, in the carrier's words.</param>
public sealed record ParcelEventResponse(DateTimeOffset At, string Status, string Description);
