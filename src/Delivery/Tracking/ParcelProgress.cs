using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Delivery.Tracking;

/// <summary>
/// Records what a carrier says about a parcel, from a webhook or a poll, however late or repeated. Each event is kept
/// once (the unique (parcel, time, status) decides); the parcel's status is the fold of all its events in time order
/// through <see cref="ShipmentStatuses.CanMove"/>, and the stored status changes only when that is a move, in one
/// conditional update, so a late event never takes it back. Reaching <see cref="ShipmentStatus.Delivered"/> publishes
/// <see cref="ParcelDelivered"/> in the same transaction.
/// </summary>
internal sealed class ParcelProgress(DeliveryDbContext db, TimeProvider clock)
{
    /// <summary>Attempts before giving up on a parcel that keeps being changed by concurrent calls.</summary>
    private const int MaxAttempts = 5;

    /// <summary>Applies <paramref name="events"/> to every parcel the carrier knows by <paramref name="trackingNumber"/>; how many parcels moved.</summary>
    public async Task<int> RecordAsync(string carrierId, string trackingNumber, IReadOnlyList<ShipmentEvent> events, CancellationToken cancellationToken)
    {
        var parcels = await db.Parcels.AsNoTracking()
            .Where(p => p.CarrierId == carrierId && p.TrackingNumber == trackingNumber)
            .Select(p => p.Id)
            .ToListAsync(cancellationToken);
        var moved = 0;
        foreach (var parcel in parcels)
        {
            if (await RecordAsync(parcel, events, cancellationToken))
            {
                moved++;
            }
        }

        return moved;
    }

    /// <summary>Applies <paramref name="events"/> to one parcel; true when its status moved.</summary>
    public async Task<bool> RecordAsync(Guid parcelId, IReadOnlyList<ShipmentEvent> events, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var parcel = await db.Parcels.AsNoTracking().FirstAsync(p => p.Id == parcelId, cancellationToken);
            var known = await db.ParcelEvents.AsNoTracking().Where(e => e.ParcelId == parcelId).ToListAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var fresh = events
                .Select(e => e with { At = Stored(e.At) })
                .Where(e => !known.Exists(k => k.At == e.At && k.Status == e.Status))
                .DistinctBy(e => (e.At, e.Status))
                .Select(e => new ParcelEventRow { ParcelId = parcelId, At = e.At, Status = e.Status, Description = Trim(e.Description), RecordedAt = now })
                .ToList();
            if (fresh.Count == 0)
            {
                return false;
            }

            db.ParcelEvents.AddRange(fresh);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e) && attempt < MaxAttempts)
            {
                // A concurrent call recorded one of these events first: read again.
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            var next = Fold(known.Concat(fresh).OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Status));
            if (!ShipmentStatuses.CanMove(parcel.Status, next))
            {
                await db.Parcels.Where(p => p.Id == parcelId).ExecuteUpdateAsync(set => set.SetProperty(p => p.LastEventAt, now), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return false;
            }

            var updated = await db.Parcels
                .Where(p => p.Id == parcelId && p.Status == parcel.Status)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.Status, next).SetProperty(p => p.LastEventAt, now), cancellationToken);
            if (updated == 0)
            {
                // Another call moved the parcel since it was read: fold again with what it recorded.
                await transaction.RollbackAsync(cancellationToken);
                if (attempt >= MaxAttempts)
                {
                    throw new DbUpdateConcurrencyException($"Parcel {parcelId} kept changing while its tracking was recorded.");
                }

                continue;
            }

            if (next == ShipmentStatus.Delivered)
            {
                var deliveredAt = known.Concat(fresh).Where(e => e.Status == ShipmentStatus.Delivered).Min(e => e.At);
                db.Publish(new ParcelDelivered(parcelId, parcel.OrderId, parcel.SellerId, deliveredAt), clock);
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
    }

    /// <summary>Where a parcel stands after these statuses, in time order: each one that is a move from the last is taken.</summary>
    public static ShipmentStatus Fold(IEnumerable<ShipmentStatus> statuses)
    {
        var status = ShipmentStatus.LabelCreated;
        foreach (var next in statuses)
        {
            if (ShipmentStatuses.CanMove(status, next))
            {
                status = next;
            }
        }

        return status;
    }

    /// <summary>As PostgreSQL keeps a time: in UTC (carriers write local offsets), to the microsecond.</summary>
    private static DateTimeOffset Stored(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static string Trim(string description) => description.Length <= 500 ? description : description[..500];
}
