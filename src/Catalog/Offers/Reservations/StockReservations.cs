using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Catalog.Offers.Reservations;

/// <summary>
/// Catalog's side of checkout: holds, sells and gives back offer stock under a caller's reservation id. Stock only moves
/// by conditional updates (<c>stock = stock - q WHERE stock &gt;= q</c>; a state change <c>WHERE state = …</c>), so
/// the database decides every race: on PostgreSQL a second writer waits on the row lock and re-checks the condition on
/// the committed row (READ COMMITTED is enough); on SQLite the write transaction is exclusive (Microsoft.Data.Sqlite
/// begins IMMEDIATE), so writers take turns. Offers are always updated in offer-id order, so two reservations over the
/// same offers wait on each other instead of deadlocking.
/// </summary>
internal sealed class StockReservations(CatalogDbContext db, IOptions<ReservationOptions> options, TimeProvider clock) : IStockReservations
{
    public async Task<ReserveResult> ReserveAsync(
        Guid reservationId, IReadOnlyList<ReservedLine> lines, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var wanted = Normalize(reservationId, lines, expiresAt, now);

        // A repeat usually finds its rows here; the primary key below decides when repeats race.
        var existing = await RowsOfAsync(reservationId, cancellationToken);
        if (existing.Count > 0)
        {
            return Repeat(existing, wanted);
        }

        return await RetryDeadlocksAsync(() => HoldAsync(reservationId, wanted, expiresAt, now, cancellationToken));
    }

    private async Task<ReserveResult> HoldAsync(
        Guid reservationId, List<ReservedLine> wanted, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var line in wanted)
        {
            var taken = await db.Offers
                .Where(o => o.Id == line.OfferId && o.Stock >= line.Quantity)
                .ExecuteUpdateAsync(
                    set => set.SetProperty(o => o.Stock, o => o.Stock - line.Quantity)
                        .SetProperty(o => o.Version, o => o.Version + 1)
                        .SetProperty(o => o.UpdatedAt, now),
                    cancellationToken);
            if (taken == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);

                // The units may have gone to a concurrent repeat of this very reserve, which committed while this one waited.
                var repeat = await RowsOfAsync(reservationId, cancellationToken);
                return repeat.Count > 0 ? Repeat(repeat, wanted) : await ShortAsync(wanted, line.OfferId, cancellationToken);
            }
        }

        var utcExpiry = expiresAt.ToUniversalTime();
        db.StockReservations.AddRange(wanted.Select(line => new StockReservation
        {
            ReservationId = reservationId, OfferId = line.OfferId, Quantity = line.Quantity, State = ReservationState.Held,
            ExpiresAt = utcExpiry, CreatedAt = now,
        }));
        await PublishStockChangesAsync(wanted.Select(l => l.OfferId), now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A concurrent repeat of this reserve committed first: undo this one's holds and answer as the repeat it is.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return Repeat(await RowsOfAsync(reservationId, cancellationToken), wanted);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return new ReserveResult(ReserveOutcome.Reserved, []);
    }

    public async Task<SettleOutcome> CommitAsync(Guid reservationId, CancellationToken cancellationToken) =>
        (await MoveAsync(reservationId, ReservationState.Held, ReservationState.Sold, reason: null, cancellationToken)).Outcome;

    public async Task<SettleOutcome> ReleaseAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
        (await MoveAsync(reservationId, ReservationState.Held, ReservationState.Released, CheckReason(reason), cancellationToken)).Outcome;

    public async Task<SettleOutcome> RestockAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
        (await MoveAsync(reservationId, ReservationState.Sold, ReservationState.Restocked, CheckReason(reason), cancellationToken)).Outcome;

    /// <summary>Releases a held reservation; true only when this call released it (not an earlier one, nor another replica).</summary>
    public async Task<bool> ReleaseIfHeldAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
        (await MoveAsync(reservationId, ReservationState.Held, ReservationState.Released, CheckReason(reason), cancellationToken)).Moved;

    /// <summary>
    /// Moves every row of the reservation from <paramref name="from"/> to <paramref name="to"/> by one conditional update;
    /// only the call whose update moved the rows returns their units to stock (release and restock), in the same transaction.
    /// </summary>
    private Task<(SettleOutcome Outcome, bool Moved)> MoveAsync(
        Guid reservationId, ReservationState from, ReservationState to, string? reason, CancellationToken cancellationToken) =>
        RetryDeadlocksAsync(() => MoveOnceAsync(reservationId, from, to, reason, cancellationToken));

    private async Task<(SettleOutcome Outcome, bool Moved)> MoveOnceAsync(
        Guid reservationId, ReservationState from, ReservationState to, string? reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.StockReservations
            .Where(r => r.ReservationId == reservationId && r.State == from)
            .ExecuteUpdateAsync(
                set => set.SetProperty(r => r.State, to).SetProperty(r => r.SettledAt, now).SetProperty(r => r.Reason, reason),
                cancellationToken);
        if (moved == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            var rows = await RowsOfAsync(reservationId, cancellationToken);
            return (rows.Count == 0 ? SettleOutcome.NotFound : Settled(rows[0].State, to), false);
        }

        if (to is ReservationState.Released or ReservationState.Restocked)
        {
            var rows = (await RowsOfAsync(reservationId, cancellationToken)).OrderBy(r => r.OfferId).ToList();
            foreach (var row in rows)
            {
                // An offer withdrawn meanwhile has nothing to return to; its row stays as the record of the units.
                await db.Offers
                    .Where(o => o.Id == row.OfferId)
                    .ExecuteUpdateAsync(
                        set => set.SetProperty(o => o.Stock, o => o.Stock + row.Quantity)
                            .SetProperty(o => o.Version, o => o.Version + 1)
                            .SetProperty(o => o.UpdatedAt, now),
                        cancellationToken);
            }

            await PublishStockChangesAsync(rows.Select(r => r.OfferId), now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return (SettleOutcome.Done, true);
    }

    /// <summary>
    /// Runs a transaction again when PostgreSQL chose it as a deadlock victim. Reservations lock offers in id order, but a
    /// seller's offer write locks them in the order of its rows, so the two can still deadlock; the victim rolled back
    /// whole, so running it again is safe, and a checkout then waits a moment instead of failing.
    /// </summary>
    private async Task<T> RetryDeadlocksAsync<T>(Func<Task<T>> transaction)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (Exception e) when (attempt < options.Value.DeadlockRetries && IsDeadlock(e))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private static bool IsDeadlock(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a move to <paramref name="target"/> answers when the reservation already stands at <paramref name="current"/>.</summary>
    private static SettleOutcome Settled(ReservationState current, ReservationState target) => (current, target) switch
    {
        _ when current == target => SettleOutcome.Done,
        (ReservationState.Released, _) => SettleOutcome.Released,
        (ReservationState.Sold, ReservationState.Released) => SettleOutcome.AlreadySold,
        (ReservationState.Restocked, ReservationState.Released) => SettleOutcome.AlreadySold,
        (ReservationState.Restocked, ReservationState.Sold) => SettleOutcome.Restocked,
        (ReservationState.Held, ReservationState.Restocked) => SettleOutcome.NotSold,
        _ => throw new InvalidOperationException($"A reservation {current} cannot become {target}."),
    };

    /// <summary>One <see cref="OfferChanged"/> per offer touched, carrying its stock as this transaction leaves it.</summary>
    private async Task PublishStockChangesAsync(IEnumerable<Guid> offerIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = offerIds.Distinct().ToList();
        var offers = await db.Offers.AsNoTracking().Where(o => ids.Contains(o.Id)).ToListAsync(cancellationToken);
        foreach (var offer in offers)
        {
            db.Publish(OfferWriter.Changed(offer, now), clock);
        }
    }

    private async Task<ReserveResult> ShortAsync(List<ReservedLine> wanted, Guid failedOfferId, CancellationToken cancellationToken)
    {
        var ids = wanted.Select(l => l.OfferId).ToList();
        var stock = await db.Offers.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Stock, cancellationToken);
        var shortLines = wanted
            .Where(l => l.OfferId == failedOfferId || !stock.TryGetValue(l.OfferId, out var available) || available < l.Quantity)
            .Select(l => stock.TryGetValue(l.OfferId, out var available)
                ? new ShortLine(l.OfferId, l.Quantity, available, OfferExists: true)
                : new ShortLine(l.OfferId, l.Quantity, 0, OfferExists: false))
            .ToList();
        return new ReserveResult(ReserveOutcome.InsufficientStock, shortLines);
    }

    private static ReserveResult Repeat(List<StockReservation> existing, List<ReservedLine> wanted)
    {
        var same = existing.Count == wanted.Count
            && existing.All(row => wanted.Any(line => line.OfferId == row.OfferId && line.Quantity == row.Quantity));
        if (!same)
        {
            return new ReserveResult(ReserveOutcome.IdTaken, []);
        }

        return existing[0].State is ReservationState.Held or ReservationState.Sold
            ? new ReserveResult(ReserveOutcome.Reserved, [])
            : new ReserveResult(ReserveOutcome.Spent, []);
    }

    private Task<List<StockReservation>> RowsOfAsync(Guid reservationId, CancellationToken cancellationToken) =>
        db.StockReservations.AsNoTracking().Where(r => r.ReservationId == reservationId).ToListAsync(cancellationToken);

    /// <summary>The lines with one per offer (quantities added), in offer-id order: the order every writer locks offers in.</summary>
    private List<ReservedLine> Normalize(Guid reservationId, IReadOnlyList<ReservedLine> lines, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (reservationId == Guid.Empty)
        {
            throw new ArgumentException("A reservation needs an id.", nameof(reservationId));
        }

        if (expiresAt <= now)
        {
            throw new ArgumentException($"The expiry {expiresAt:O} is not in the future.", nameof(expiresAt));
        }

        if (lines.Any(l => l.Quantity < 1))
        {
            throw new ArgumentException("Every line needs a quantity of 1 or more.", nameof(lines));
        }

        var merged = lines
            .GroupBy(l => l.OfferId)
            .Select(g => new ReservedLine(g.Key, checked(g.Sum(l => l.Quantity))))
            .OrderBy(l => l.OfferId)
            .ToList();
        var maxLines = options.Value.MaxLines;
        if (merged.Count == 0 || merged.Count > maxLines)
        {
            throw new ArgumentException($"A reservation holds 1 to {maxLines} offers; this one names {merged.Count}.", nameof(lines));
        }

        return merged;
    }

    private static string CheckReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > ReservationOptions.MaxReasonLength)
        {
            throw new ArgumentException($"A reason of 1 to {ReservationOptions.MaxReasonLength} characters is required.", nameof(reason));
        }

        return reason;
    }
}
