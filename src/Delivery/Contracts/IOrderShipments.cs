namespace Marketplace.Delivery.Contracts;

/// <summary>
/// The parcels of sellers' orders: Delivery books them with the order's carrier (or records the seller's own tracking
/// number), follows them by the carriers' webhooks and by polling, and answers their tracking. Ordering owns the
/// order and its status; it asks this port to ship and to read, and learns of deliveries by <see cref="ParcelDelivered"/>.
/// </summary>
public interface IOrderShipments
{
    /// <summary>
    /// Ships parcels of one order, once per (seller, <see cref="ShipOrderParcels.RequestKey"/>): a repeat of the same
    /// request answers the parcels made the first time; another request under a used key is
    /// <see cref="ShipOutcome.KeyReused"/>. Throws <see cref="CarrierUnavailableException"/> when the carrier does not
    /// answer; the same request later carries on where this one stopped.
    /// </summary>
    Task<ShipOutcome> ShipAsync(ShipOrderParcels request, CancellationToken cancellationToken);

    /// <summary>Every parcel of an order, first shipped first, each with its events oldest first.</summary>
    Task<IReadOnlyList<TrackedParcel>> ParcelsOfAsync(Guid orderId, CancellationToken cancellationToken);
}

/// <summary>What a seller ships for one order.</summary>
/// <param name="OrderId">The seller's order.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="RequestKey">The seller's key for this request (its Idempotency-Key); one request per key and seller.</param>
/// <param name="CarrierId">The carrier the order's delivery was quoted with; null when the seller delivers itself.</param>
/// <param name="ServiceId">The service quoted.</param>
/// <param name="Destination">Where the order goes.</param>
/// <param name="Recipient">Who receives it (HTTP carriers need a name and a phone number).</param>
/// <param name="PickupPointId">For a pickup-point service of an HTTP carrier: the point the parcels go to.</param>
/// <param name="Parcels">The parcels, in the seller's order.</param>
public sealed record ShipOrderParcels(
    Guid OrderId,
    Guid SellerId,
    string RequestKey,
    string? CarrierId,
    string ServiceId,
    DeliveryAddress Destination,
    ShipmentRecipient? Recipient,
    string? PickupPointId,
    IReadOnlyList<ParcelToShip> Parcels);

/// <summary>
/// One parcel: either booked with the order's carrier (give its packed weight and size), or sent by the seller
/// with a carrier of its own choosing (give the carrier and the tracking number).
/// </summary>
/// <param name="Carrier">The seller's carrier, for a parcel the seller sent itself.</param>
/// <param name="TrackingNumber">That carrier's tracking number.</param>
/// <param name="WeightGrams">The packed parcel's weight, for a parcel to book.</param>
/// <param name="LengthMm">Its length.</param>
/// <param name="WidthMm">Its width.</param>
/// <param name="HeightMm">Its height.</param>
public sealed record ParcelToShip(string? Carrier, string? TrackingNumber, int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm)
{
    /// <summary>True when the seller sent it with its own tracking number (nothing is booked).</summary>
    public bool IsSellersOwn => Carrier is not null || TrackingNumber is not null;
}

/// <summary>The answer of <see cref="IOrderShipments.ShipAsync"/>.</summary>
public abstract record ShipOutcome
{
    private ShipOutcome()
    {
    }

    /// <summary>The parcels exist: made now, or by an earlier identical request (<paramref name="Repeated"/>).</summary>
    public sealed record Shipped(IReadOnlyList<TrackedParcel> Parcels, bool Repeated) : ShipOutcome;

    /// <summary>Nothing was shipped: the failures by field (<c>parcels[1].weightGrams</c>), the carrier's refusal included.</summary>
    public sealed record Refused(IDictionary<string, string[]> Errors) : ShipOutcome;

    /// <summary>The key was used before with another request; nothing was shipped.</summary>
    public sealed record KeyReused : ShipOutcome;
}

/// <summary>A parcel and its story.</summary>
/// <param name="ParcelId">Our id of the parcel.</param>
/// <param name="Carrier">The carrier that carries it.</param>
/// <param name="TrackingNumber">Its tracking number.</param>
/// <param name="LabelReference">Where the seller gets its label, for a parcel booked through the marketplace.</param>
/// <param name="Booked">True when the marketplace booked it with the carrier; false for the seller's own tracking number.</param>
/// <param name="Status">Where it stands now.</param>
/// <param name="ShippedAt">When it was shipped (booked, or recorded).</param>
/// <param name="Events">What happened to it, oldest first.</param>
public sealed record TrackedParcel(
    Guid ParcelId,
    string Carrier,
    string TrackingNumber,
    string? LabelReference,
    bool Booked,
    ShipmentStatus Status,
    DateTimeOffset ShippedAt,
    IReadOnlyList<ShipmentEvent> Events);

/// <summary>
/// A parcel of an order was delivered, by its carrier's tracking. Published through the Delivery outbox once per
/// parcel; Ordering marks the order delivered when every parcel of it is.
/// </summary>
/// <param name="ParcelId">The parcel.</param>
/// <param name="OrderId">The seller's order it belongs to.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="DeliveredAt">When the carrier says it was delivered.</param>
public sealed record ParcelDelivered(Guid ParcelId, Guid OrderId, Guid SellerId, DateTimeOffset DeliveredAt);
