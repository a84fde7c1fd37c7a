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

    /// <summary>
    /// The pickup points and lockers where this carrier hands parcels to customers near <paramref name="near"/> (its
    /// country, postal code and city); the built-in carrier has none. A shipment with a <see cref="DeliveryServiceKind.PickupPoint"/>
    /// service names one of them in <see cref="ShipmentRequest.PickupPointId"/>.
    /// </summary>
    Task<IReadOnlyList<PickupPoint>> PickupPointsAsync(DeliveryAddress near, CancellationToken cancellationToken);
}

/// <summary>
/// An HTTP carrier could not answer in time (it is down, its circuit is open, or it timed out). Quotes drop that
/// carrier's options and keep the others'; a booking or cancellation is to be retried later with the same request.
/// </summary>
public sealed class CarrierUnavailableException(string carrierId, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The carrier that did not answer.</summary>
    public string CarrierId { get; } = carrierId;
}

/// <summary>A place where the customer collects parcels.</summary>
/// <param name="Id">The carrier's code for it, to give as <see cref="ShipmentRequest.PickupPointId"/>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Whether it is a staffed pickup point or a locker.</param>
/// <param name="Address">Where it is.</param>
/// <param name="Latitude">Latitude, in degrees.</param>
/// <param name="Longitude">Longitude, in degrees.</param>
/// <param name="WorkTime">Opening hours, as the carrier writes them.</param>
public sealed record PickupPoint(string Id, string Name, PickupPointKind Kind, DeliveryAddress Address, double Latitude, double Longitude, string WorkTime);

/// <summary>The kinds of pickup point.</summary>
public enum PickupPointKind
{
    /// <summary>A staffed office.</summary>
    Office,

    /// <summary>A self-service parcel locker.</summary>
    Locker,
}

/// <summary>Who receives a shipment: carriers that call the customer (CDEK) require a name and a phone number.</summary>
/// <param name="Name">The recipient's full name.</param>
/// <param name="Phone">The recipient's phone number in international form, for example <c>+79001234567</c>.</param>
/// <param name="Email">The recipient's e-mail, when known.</param>
public sealed record ShipmentRecipient(string Name, string Phone, string? Email = null);

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
/// <param name="Recipient">Who receives it; required by HTTP carriers, ignored by the built-in one.</param>
/// <param name="PickupPointId">For a pickup-point service of an HTTP carrier: the point chosen (<see cref="IDeliveryCarrier.PickupPointsAsync"/>).</param>
public sealed record ShipmentRequest(
    string OrderReference,
    Guid SellerId,
    string ServiceId,
    DeliveryAddress Destination,
    IReadOnlyList<DeliveryItem> Items,
    ShipmentRecipient? Recipient = null,
    string? PickupPointId = null);

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

/// <summary>
/// Where a shipment stands, the same for every carrier (each maps its own codes to these). In the order a shipment
/// normally goes through them; <see cref="ShipmentStatuses.CanMove"/> says which changes are real progress.
/// </summary>
public enum ShipmentStatus
{
    /// <summary>Booked, label ready, not yet handed over.</summary>
    LabelCreated,

    /// <summary>The carrier has the parcels (collected, or dropped at its office).</summary>
    HandedOver,

    /// <summary>On its way between the carrier's hubs.</summary>
    InTransit,

    /// <summary>Waiting at a pickup point or locker for the customer.</summary>
    AtPickupPoint,

    /// <summary>With the courier, on the way to the door.</summary>
    OutForDelivery,

    /// <summary>Delivered or collected.</summary>
    Delivered,

    /// <summary>A delivery attempt failed (nobody home, refused, not collected); the carrier tries again or returns it.</summary>
    FailedAttempt,

    /// <summary>On its way back to the sender, or back there.</summary>
    Returned,

    /// <summary>Cancelled before it left.</summary>
    Cancelled,
}

/// <summary>The rules by which a shipment's status changes, whatever the carrier and however late or duplicated its events.</summary>
public static class ShipmentStatuses
{
    /// <summary>
    /// Whether a shipment at <paramref name="from"/> may move to <paramref name="to"/>. Status only moves forward along
    /// <see cref="ShipmentStatus"/>'s order (a late or repeated event never moves it back), with the exceptions carriers
    /// have: a failed attempt may happen at any point after handover and is followed by another try (back in transit,
    /// to a pickup point, out for delivery again) or by delivery or return; a return may start at any point after
    /// handover; cancelling is possible only before handover. Delivered, returned and cancelled are final. Staying at
    /// the same status is not a move.
    /// </summary>
    public static bool CanMove(ShipmentStatus from, ShipmentStatus to) => (from, to) switch
    {
        _ when from == to => false,
        (ShipmentStatus.Delivered or ShipmentStatus.Returned or ShipmentStatus.Cancelled, _) => false,
        (ShipmentStatus.LabelCreated, ShipmentStatus.Cancelled) => true,
        (_, ShipmentStatus.Cancelled) => false,
        (ShipmentStatus.LabelCreated, ShipmentStatus.FailedAttempt or ShipmentStatus.Returned) => false,
        (_, ShipmentStatus.FailedAttempt or ShipmentStatus.Returned) => true,
        (ShipmentStatus.FailedAttempt, _) => to is not ShipmentStatus.LabelCreated and not ShipmentStatus.HandedOver,
        _ => to > from,
    };
}
