using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Marketplace.Delivery.Shipments;

/// <summary>
/// Ships sellers' parcels: a request is claimed under its (seller, key) first, then each parcel is booked with the
/// order's carrier (idempotent per <c>{request}-{n}</c> at the carrier) or recorded with the seller's tracking number,
/// and stored under (request, n). A repeat finds the claim and the stored parcels and books only what is missing, so a
/// request that stopped half-way (carrier down, process killed) is finished by sending it again.
/// </summary>
internal sealed partial class OrderShipments(
    DeliveryDbContext db,
    IEnumerable<IDeliveryCarrier> carriers,
    IValidator<ShipOrderParcels> validator,
    TimeProvider clock,
    ILogger<OrderShipments> logger) : IOrderShipments
{
    public async Task<ShipOutcome> ShipAsync(ShipOrderParcels request, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new ShipOutcome.Refused(validation.ToDictionary());
        }

        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web));
        var (claim, repeated) = await ClaimAsync(request, hash, cancellationToken);
        if (claim is null)
        {
            return new ShipOutcome.KeyReused();
        }

        var stored = await db.Parcels.AsNoTracking().Where(p => p.RequestId == claim.Id).ToListAsync(cancellationToken);
        var made = 0;
        for (var index = 0; index < request.Parcels.Count; index++)
        {
            if (stored.Exists(p => p.Index == index))
            {
                continue;
            }

            var parcel = request.Parcels[index];
            var parcelMade = parcel.IsSellersOwn ? Own(claim, request, index, parcel) : await BookAsync(claim, request, index, parcel, cancellationToken);
            if (parcelMade.Refusal is { } refusal)
            {
                await ForgetAsync(claim, cancellationToken);
                return new ShipOutcome.Refused(refusal);
            }

            stored.Add(await StoreAsync(parcelMade.Parcel!, parcelMade.FirstEvent!, cancellationToken));
            made++;
        }

        return new ShipOutcome.Shipped(await ReadAsync(stored.Select(p => p.Id).ToList(), cancellationToken), repeated && made == 0);
    }

    public async Task<IReadOnlyList<TrackedParcel>> ParcelsOfAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var ids = await db.Parcels.AsNoTracking().Where(p => p.OrderId == orderId).Select(p => p.Id).ToListAsync(cancellationToken);
        return await ReadAsync(ids, cancellationToken);
    }

    private async Task<IReadOnlyList<TrackedParcel>> ReadAsync(List<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var parcels = await db.Parcels.AsNoTracking().Where(p => ids.Contains(p.Id)).ToListAsync(cancellationToken);
        var events = (await db.ParcelEvents.AsNoTracking().Where(e => ids.Contains(e.ParcelId)).ToListAsync(cancellationToken)).ToLookup(e => e.ParcelId);
        return [.. parcels
            .OrderBy(p => p.ShippedAt).ThenBy(p => p.Index)
            .Select(p => new TrackedParcel(
                p.Id, p.CarrierId, p.TrackingNumber, p.LabelReference, p.Booked, p.Status, p.ShippedAt,
                [.. events[p.Id].OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => new ShipmentEvent(e.At, e.Status, e.Description))]))];
    }

    /// <summary>The request's claim under its key: new, or the earlier one of the same request; null when the key carried another request.</summary>
    private async Task<(ShipmentRequestRow? Claim, bool Repeated)> ClaimAsync(ShipOrderParcels request, byte[] hash, CancellationToken cancellationToken)
    {
        var earlier = await FindClaimAsync(request, cancellationToken);
        if (earlier is not null)
        {
            return (CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash) ? earlier : null, true);
        }

        var claim = new ShipmentRequestRow
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            SellerId = request.SellerId,
            Key = request.RequestKey,
            OrderId = request.OrderId,
            RequestHash = hash,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ShipmentRequests.Add(claim);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (claim, false);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            earlier = await FindClaimAsync(request, cancellationToken) ?? throw new InvalidOperationException("A shipping request collided with one that cannot be read back.", e);
            return (CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash) ? earlier : null, true);
        }
    }

    private Task<ShipmentRequestRow?> FindClaimAsync(ShipOrderParcels request, CancellationToken cancellationToken) =>
        db.ShipmentRequests.AsNoTracking().FirstOrDefaultAsync(r => r.SellerId == request.SellerId && r.Key == request.RequestKey, cancellationToken);

    private (ParcelRow? Parcel, ParcelEventRow? FirstEvent, IDictionary<string, string[]>? Refusal) Own(ShipmentRequestRow claim, ShipOrderParcels request, int index, ParcelToShip parcel)
    {
        var now = clock.GetUtcNow();
        var carrier = parcel.Carrier!.Trim().ToLowerInvariant();
        var row = NewParcel(claim, request, index, carrier, parcel.TrackingNumber!.Trim(), null, booked: false, ShipmentStatus.HandedOver, now);
        return (row, FirstEvent(row, $"Handed over to {carrier} by the seller."), null);
    }

    private async Task<(ParcelRow? Parcel, ParcelEventRow? FirstEvent, IDictionary<string, string[]>? Refusal)> BookAsync(
        ShipmentRequestRow claim, ShipOrderParcels request, int index, ParcelToShip parcel, CancellationToken cancellationToken)
    {
        var field = $"Parcels[{index}]";
        var carrier = carriers.FirstOrDefault(c => c.CarrierId == request.CarrierId);
        if (carrier is null)
        {
            return (null, null, ValidationFilterExtensions.FieldError(field, $"The order's carrier '{request.CarrierId}' is not available on this host; ship with your own tracking number."));
        }

        var booking = await carrier.CreateShipmentAsync(
            new ShipmentRequest(
                $"{claim.Id:N}-{index + 1}",
                request.SellerId,
                request.ServiceId,
                request.Destination,
                [new DeliveryItem(claim.Id, 1, parcel.WeightGrams!.Value, parcel.LengthMm!.Value, parcel.WidthMm!.Value, parcel.HeightMm!.Value, 0)],
                request.Recipient,
                request.PickupPointId),
            cancellationToken);
        if (booking is ShipmentBooking.Refused refused)
        {
            // A refusal of the goods is this parcel's; one of the recipient, address or pickup point is the request's.
            return (null, null, refused.Errors.ToDictionary(e => e.Key.StartsWith("Items", StringComparison.Ordinal) ? field : e.Key, e => e.Value));
        }

        var booked = ((ShipmentBooking.Booked)booking).Shipment;
        var row = NewParcel(claim, request, index, booked.CarrierId, booked.TrackingNumber, booked.LabelReference, booked: true, ShipmentStatus.LabelCreated, clock.GetUtcNow());
        return (row, FirstEvent(row, $"Booked with {booked.CarrierId}; the label is ready."), null);
    }

    private static ParcelRow NewParcel(
        ShipmentRequestRow claim, ShipOrderParcels request, int index, string carrierId, string trackingNumber, string? label, bool booked, ShipmentStatus status, DateTimeOffset now)
    {
        // PostgreSQL keeps microseconds: an answer made now must equal the one read back on a repeat.
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        return new ParcelRow
        {
            Id = Guid.CreateVersion7(now),
            RequestId = claim.Id,
            Index = index,
            OrderId = request.OrderId,
            SellerId = request.SellerId,
            CarrierId = carrierId,
            TrackingNumber = trackingNumber,
            LabelReference = label,
            Booked = booked,
            Status = status,
            ShippedAt = now,
            LastEventAt = now,
        };
    }

    private static ParcelEventRow FirstEvent(ParcelRow parcel, string description) =>
        new() { ParcelId = parcel.Id, At = parcel.ShippedAt, Status = parcel.Status, Description = description, RecordedAt = parcel.ShippedAt };

    /// <summary>Stores a parcel with its first event; when a concurrent repeat stored it first, answers that one.</summary>
    private async Task<ParcelRow> StoreAsync(ParcelRow parcel, ParcelEventRow first, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        db.Parcels.Add(parcel);
        db.ParcelEvents.Add(first);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return parcel;
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await db.Parcels.AsNoTracking().SingleAsync(p => p.RequestId == parcel.RequestId && p.Index == parcel.Index, cancellationToken);
        }
    }

    /// <summary>
    /// A parcel of the request was refused: the request ships nothing. Parcels it already booked are cancelled at their
    /// carrier and forgotten with the claim, so the same key may carry a corrected request. A parcel its carrier no
    /// longer cancels is kept, with the claim, and logged.
    /// </summary>
    private async Task ForgetAsync(ShipmentRequestRow claim, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var parcels = await db.Parcels.Where(p => p.RequestId == claim.Id).ToListAsync(cancellationToken);
        var kept = false;
        foreach (var parcel in parcels)
        {
            if (parcel.Booked && carriers.FirstOrDefault(c => c.CarrierId == parcel.CarrierId) is { } carrier)
            {
                var cancelled = await carrier.CancelAsync(parcel.TrackingNumber, cancellationToken);
                if (cancelled == ShipmentCancellation.TooLate)
                {
                    LogKeptParcel(parcel.TrackingNumber, parcel.OrderId);
                    kept = true;
                    continue;
                }
            }

            await db.ParcelEvents.Where(e => e.ParcelId == parcel.Id).ExecuteDeleteAsync(cancellationToken);
            db.Parcels.Remove(parcel);
        }

        if (!kept)
        {
            db.ShipmentRequests.Remove(await db.ShipmentRequests.SingleAsync(r => r.Id == claim.Id, cancellationToken));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parcel {TrackingNumber} of order {OrderId} was booked by a request refused later, and its carrier no longer cancels it; it is kept.")]
    private partial void LogKeptParcel(string trackingNumber, Guid orderId);
}
