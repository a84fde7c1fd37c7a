namespace Marketplace.Delivery.Contracts;

/// <summary>
/// A carrier behind the delivery module: it quotes a seller group, creates shipments, cancels them and tracks them.
/// The built-in carrier (<c>rules</c>) prices by the runtime rules "delivery" and records shipments in the module's
/// database; HTTP carriers of a later issue implement the same port.
/// </summary>
public interface IDeliveryCarrier
{
    /// <summary>The carrier's id, stored with every option and shipment it makes (<c>rules</c> for the built-in one).</summary>
    string CarrierId { get; }

    /// <summary>The options this carrier offers one seller group, and the services that cannot carry it with the reason.</summary>
    Task<CarrierQuote> QuoteAsync(CarrierQuoteInput input, CancellationToken cancellationToken);

    /// <summary>
    /// Books the shipment of one seller's order with a service this carrier quoted. Idempotent per
    /// (<see cref="ShipmentRequest.OrderReference"/>, seller): a repeat answers the shipment made the first time.
    /// </summary>
    Task<ShipmentBooking> CreateShipmentAsync(ShipmentRequest request, CancellationToken cancellationToken);

    /// <summary>Cancels a shipment by its tracking number; cancelling a cancelled shipment changes nothing.</summary>
    Task<ShipmentCancellation> CancelAsync(string trackingNumber, CancellationToken cancellationToken);

    /// <summary>What happened to a shipment so far, oldest event first; null when the carrier does not know the tracking number.</summary>
    Task<ShipmentTracking?> TrackAsync(string trackingNumber, CancellationToken cancellationToken);
}

/// <summary>One seller group to quote, at one instant.</summary>
/// <param name="Currency">The cart's currency.</param>
/// <param name="Destination">Where it goes.</param>
/// <param name="Shipment">What the seller sends.</param>
/// <param name="Now">The instant the quote is for (ETAs count from it).</param>
public sealed record CarrierQuoteInput(string Currency, DeliveryAddress Destination, SellerShipment Shipment, DateTimeOffset Now);

/// <summary>A carrier's answer for one seller group.</summary>
/// <param name="Currency">The currency of the prices.</param>
/// <param name="Options">What the carrier can do.</param>
/// <param name="Unavailable">Its services that cannot carry the group, with the reason.</param>
public sealed record CarrierQuote(string Currency, IReadOnlyList<DeliveryOption> Options, IReadOnlyList<UnavailableDeliveryOption> Unavailable);

/// <summary>A shipment to book.</summary>
/// <param name="OrderReference">The order (or sub-order) it carries; with the seller, the idempotency key.</param>
/// <param name="SellerId">The seller that sends it.</param>
/// <param name="ServiceId">The service chosen (the quoted option's <see cref="DeliveryOption.ServiceId"/>).</param>
/// <param name="Destination">Where it goes.</param>
/// <param name="Items">What it holds; the carrier makes the parcels from them as it quoted.</param>
public sealed record ShipmentRequest(string OrderReference, Guid SellerId, string ServiceId, DeliveryAddress Destination, IReadOnlyList<DeliveryItem> Items);

/// <summary>The answer of <see cref="IDeliveryCarrier.CreateShipmentAsync"/>.</summary>
public abstract record ShipmentBooking
{
    private ShipmentBooking()
    {
    }

    /// <summary>The shipment exists (made now, or by an earlier identical call).</summary>
    public sealed record Booked(BookedShipment Shipment) : ShipmentBooking;

    /// <summary>The carrier cannot take it: the request is invalid, the service unknown, or the goods do not fit it.</summary>
    /// <param name="Errors">Messages by field of the request.</param>
    public sealed record Refused(IDictionary<string, string[]> Errors) : ShipmentBooking;
}

/// <summary>A booked shipment.</summary>
/// <param name="CarrierId">The carrier.</param>
/// <param name="ServiceId">The service.</param>
/// <param name="TrackingNumber">The number the customer tracks it by; unique per carrier.</param>
/// <param name="LabelReference">Where the seller gets the parcel labels.</param>
/// <param name="Parcels">How many parcels it is.</param>
/// <param name="CreatedAt">When it was booked.</param>
public sealed record BookedShipment(string CarrierId, string ServiceId, string TrackingNumber, string LabelReference, int Parcels, DateTimeOffset CreatedAt);

/// <summary>The outcomes of <see cref="IDeliveryCarrier.CancelAsync"/>.</summary>
public enum ShipmentCancellation
{
    /// <summary>The shipment is cancelled now.</summary>
    Cancelled,

    /// <summary>It was cancelled before; nothing changed.</summary>
    AlreadyCancelled,

    /// <summary>It is on its way or delivered; the carrier no longer cancels it.</summary>
    TooLate,

    /// <summary>The carrier knows no shipment by that tracking number.</summary>
    NotFound,
}

/// <summary>A shipment's story so far.</summary>
/// <param name="CarrierId">The carrier.</param>
/// <param name="TrackingNumber">The tracking number.</param>
/// <param name="Status">Where it stands now: the last event's status.</param>
/// <param name="Events">Every event, oldest first.</param>
public sealed record ShipmentTracking(string CarrierId, string TrackingNumber, ShipmentStatus Status, IReadOnlyList<ShipmentEvent> Events);

/// <summary>One step of a shipment.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Status">The status it reached.</param>
/// <param name="Description">What happened, in words.</param>
public sealed record ShipmentEvent(DateTimeOffset At, ShipmentStatus Status, string Description);

/// <summary>Where a shipment stands.</summary>
public enum ShipmentStatus
{
    /// <summary>Booked, label ready, not yet handed over.</summary>
    LabelCreated,

    /// <summary>Handed to the carrier, on its way.</summary>
    InTransit,

    /// <summary>Delivered or collected.</summary>
    Delivered,

    /// <summary>Cancelled before it left.</summary>
    Cancelled,
}
