using System.Security.Cryptography;
using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Parcels;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Quotes;
using Marketplace.Delivery.Rules;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Carriers;

/// <summary>
/// The built-in carrier: quotes from the runtime rules "delivery", and books shipments in the module's database with
/// a generated tracking number and label reference (the seller prints the label, or delivers by its own means).
/// </summary>
internal sealed class RulesCarrier(
    IOptionsMonitor<DeliveryRules> rules,
    IValidator<ShipmentRequest> validator,
    DeliveryDbContext db,
    TimeProvider clock) : IDeliveryCarrier
{
    public const string Id = "rules";

    /// <summary>Crockford's base 32: no I, L, O or U, so a number read aloud or typed is not misread.</summary>
    private const string TrackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private const int TrackingRandomLength = 12;

    public string CarrierId => Id;

    public Task<CarrierQuote> QuoteAsync(CarrierQuoteInput input, CancellationToken cancellationToken) =>
        Task.FromResult(RulesQuoting.Quote(rules.CurrentValue, input, Id));

    public async Task<ShipmentBooking> CreateShipmentAsync(ShipmentRequest request, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new ShipmentBooking.Refused(validation.ToDictionary());
        }

        var existing = await FindBookingAsync(request, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var inForce = rules.CurrentValue;
        var service = inForce.Services.FirstOrDefault(s => s.Id == request.ServiceId);
        if (service is null)
        {
            return Refused(nameof(ShipmentRequest.ServiceId), $"The built-in carrier has no service '{request.ServiceId}'.");
        }

        var zone = RulesQuoting.ZoneOf(inForce, request.Destination);
        if (zone is null || !inForce.Rates.Any(r => r.Zone == zone.Id && r.Service == service.Id))
        {
            return Refused(nameof(ShipmentRequest.Destination), $"{service.Name} does not deliver to {request.Destination.Country} {request.Destination.PostalCode}.");
        }

        var packing = ParcelPacking.Pack(request.Items, service);
        if (packing.Refusal is not null)
        {
            return Refused(nameof(ShipmentRequest.Items), packing.RefusalDetail!);
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var tracking = NewTrackingNumber();
        var shipment = new Shipment
        {
            Id = id,
            CarrierId = Id,
            OrderReference = request.OrderReference,
            SellerId = request.SellerId,
            ServiceId = service.Id,
            TrackingNumber = tracking,
            LabelReference = $"labels/{Id}/{tracking}.pdf",
            Parcels = packing.Parcels.Count,
            CreatedAt = now,
            Status = ShipmentStatus.LabelCreated,
            Events = [new ShipmentEventRow { ShipmentId = id, At = now, Status = ShipmentStatus.LabelCreated, Description = $"Label created for {packing.Parcels.Count} parcel(s) with {service.Name}." }],
        };
        db.Shipments.Add(shipment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A concurrent call booked the same order and seller first: the unique key decided, answer its shipment.
            db.ChangeTracker.Clear();
            return await FindBookingAsync(request, cancellationToken) ?? throw new InvalidOperationException("A booking collided with one that cannot be read back.", e);
        }

        return Booked(shipment);
    }

    public async Task<ShipmentCancellation> CancelAsync(string trackingNumber, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The status moves only from LabelCreated, in one statement: of two concurrent cancels exactly one changes it.
        var changed = await db.Shipments
            .Where(s => s.CarrierId == Id && s.TrackingNumber == trackingNumber && s.Status == ShipmentStatus.LabelCreated)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Status, ShipmentStatus.Cancelled), cancellationToken);
        if (changed == 0)
        {
            var status = await db.Shipments.Where(s => s.CarrierId == Id && s.TrackingNumber == trackingNumber).Select(s => (ShipmentStatus?)s.Status).FirstOrDefaultAsync(cancellationToken);
            return status switch
            {
                null => ShipmentCancellation.NotFound,
                ShipmentStatus.Cancelled => ShipmentCancellation.AlreadyCancelled,
                _ => ShipmentCancellation.TooLate,
            };
        }

        var shipmentId = await db.Shipments.Where(s => s.CarrierId == Id && s.TrackingNumber == trackingNumber).Select(s => s.Id).FirstAsync(cancellationToken);
        db.ShipmentEvents.Add(new ShipmentEventRow { ShipmentId = shipmentId, At = now, Status = ShipmentStatus.Cancelled, Description = "Shipment cancelled before dispatch." });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ShipmentCancellation.Cancelled;
    }

    public async Task<ShipmentTracking?> TrackAsync(string trackingNumber, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.AsNoTracking()
            .Include(s => s.Events.OrderBy(e => e.Id))
            .FirstOrDefaultAsync(s => s.CarrierId == Id && s.TrackingNumber == trackingNumber, cancellationToken);
        return shipment is null
            ? null
            : new ShipmentTracking(Id, shipment.TrackingNumber, shipment.Status, [.. shipment.Events.Select(e => new ShipmentEvent(e.At, e.Status, e.Description))]);
    }

    public Task<IReadOnlyList<PickupPoint>> PickupPointsAsync(DeliveryAddress near, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PickupPoint>>([]);

    private async Task<ShipmentBooking?> FindBookingAsync(ShipmentRequest request, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.AsNoTracking()
            .FirstOrDefaultAsync(s => s.CarrierId == Id && s.OrderReference == request.OrderReference && s.SellerId == request.SellerId, cancellationToken);
        return shipment is null ? null : Booked(shipment);
    }

    private static ShipmentBooking.Booked Booked(Shipment shipment) =>
        new(new BookedShipment(shipment.CarrierId, shipment.ServiceId, shipment.TrackingNumber, shipment.LabelReference, shipment.Parcels, shipment.CreatedAt));

    private static ShipmentBooking.Refused Refused(string field, string message) => new(ValidationFilterExtensions.FieldError(field, message));

    private static string NewTrackingNumber() => "MP" + RandomNumberGenerator.GetString(TrackingAlphabet, TrackingRandomLength);
}
