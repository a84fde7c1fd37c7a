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
    public async Task<ReserveResult> ReserveAsync(IReadOnlyList<StockHold> holds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var wanted = Normalize(holds, expiresAt, now);

        // No look for an earlier reserve first: a first attempt, the common case, would pay a round trip for nothing. A
        // repeat runs into the reservation rows' primary key (or into the stock it took itself) and answers from the rows.
        return await RetryDeadlocksAsync(() => HoldAsync(wanted, expiresAt, now, cancellationToken));
    }

    private async Task<ReserveResult> HoldAsync(List<StockHold> wanted, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One conditional update per offer, in offer-id order (the order every writer locks offers in), with the units of
        // every reservation naming it added together.
        var perOffer = wanted.SelectMany(h => h.Lines)
            .GroupBy(l => l.OfferId)
            .Select(g => new ReservedLine(g.Key, checked(g.Sum(l => l.Quantity))))
            .OrderBy(l => l.OfferId)
            .ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var line in perOffer)
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
                return await RepeatAsync(wanted, cancellationToken) ?? await ShortAsync(perOffer, line.OfferId, cancellationToken);
            }
        }

        var utcExpiry = expiresAt.ToUniversalTime();
        db.StockReservations.AddRange(wanted.SelectMany(hold => hold.Lines.Select(line => new StockReservation
        {
            ReservationId = hold.ReservationId, OfferId = line.OfferId, Quantity = line.Quantity, State = ReservationState.Held,
            ExpiresAt = utcExpiry, CreatedAt = now,
        })));
        await PublishStockChangesAsync(perOffer.Select(l => l.OfferId), now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A repeat (or a concurrent one that committed first): undo this call's holds and answer from the rows.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return await RepeatAsync(wanted, cancellationToken) ?? new ReserveResult(ReserveOutcome.IdTaken, []);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return new ReserveResult(ReserveOutcome.Reserved, []);
    }

    public async Task<IReadOnlyDictionary<Guid, SettleOutcome>> CommitAsync(IReadOnlyList<Guid> reservationIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservationIds);
        var ids = reservationIds.Distinct().ToList();
        var now = clock.GetUtcNow();

        // One conditional update sells every reservation still held; reading the states afterwards tells each id's outcome,
        // whoever moved it (this call, an earlier commit, or the sweeper that released it first).
        await db.StockReservations
            .Where(r => ids.Contains(r.ReservationId) && r.State == ReservationState.Held)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, ReservationState.Sold).SetProperty(r => r.SettledAt, now), cancellationToken);
        var states = await db.StockReservations.AsNoTracking()
            .Where(r => ids.Contains(r.ReservationId))
            .Select(r => new { r.ReservationId, r.State })
            .Distinct()
            .ToListAsync(cancellationToken);
        return ids.ToDictionary(
            id => id,
            id => states.FirstOrDefault(s => s.ReservationId == id) is { } row ? Settled(row.State, ReservationState.Sold) : SettleOutcome.NotFound);
    }

    public async Task<SettleOutcome> ReleaseAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
        (await MoveAsync(reservationId, ReservationState.Held, ReservationState.Released, CheckReason(reason), cancellationToken)).Outcome;

    public async Task<SettleOutcome> RestockAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
        (await MoveAsync(reservationId, ReservationState.Sold, ReservationState.Restocked, CheckReason(reason), cancellationToken)).Outcome;

    public Task<SettleOutcome> ReturnUnitsAsync(Guid reservationId, Guid returnId, IReadOnlyList<ReservedLine> lines, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0 || lines.Any(l => l.Quantity < 1))
        {
            throw new ArgumentException("A return names at least one offer, each with 1 unit or more.", nameof(lines));
        }

        var checkedReason = CheckReason(reason);
        var perOffer = lines.GroupBy(l => l.OfferId).Select(g => new ReservedLine(g.Key, checked(g.Sum(l => l.Quantity)))).OrderBy(l => l.OfferId).ToList();
        return RetryDeadlocksAsync(() => ReturnOnceAsync(reservationId, returnId, perOffer, checkedReason, cancellationToken));
    }

    private async Task<SettleOutcome> ReturnOnceAsync(Guid reservationId, Guid returnId, List<ReservedLine> perOffer, string reason, CancellationToken cancellationToken)
    {
        if (await db.StockReturns.AsNoTracking().AnyAsync(r => r.ReturnId == returnId, cancellationToken))
        {
            return SettleOutcome.Done;
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var line in perOffer)
        {
            // Counted on the sold row itself: a restock of the whole reservation (which moves the same row) waits for this
            // transaction or goes first, and either way no unit comes back twice.
            var counted = await db.StockReservations
                .Where(r => r.ReservationId == reservationId && r.OfferId == line.OfferId && r.State == ReservationState.Sold
                            && r.ReturnedQuantity + line.Quantity <= r.Quantity)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.ReturnedQuantity, r => r.ReturnedQuantity + line.Quantity), cancellationToken);
            if (counted == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                var rows = await RowsOfAsync(reservationId, cancellationToken);
                if (await db.StockReturns.AsNoTracking().AnyAsync(r => r.ReturnId == returnId, cancellationToken))
                {
                    return SettleOutcome.Done;
                }

                return rows.FirstOrDefault()?.State switch
                {
                    null => SettleOutcome.NotFound,
                    ReservationState.Held => SettleOutcome.NotSold,
                    ReservationState.Released => SettleOutcome.Released,
                    ReservationState.Restocked => SettleOutcome.Restocked,
                    _ => throw new ArgumentException(
                        $"Reservation {reservationId} did not sell {line.Quantity} more units of offer {line.OfferId} to return.", nameof(perOffer)),
                };
            }

            db.StockReturns.Add(new StockReturn
            {
                ReturnId = returnId, OfferId = line.OfferId, ReservationId = reservationId, Quantity = line.Quantity, Reason = reason, CreatedAt = now,
            });
            await db.Offers
                .Where(o => o.Id == line.OfferId)
                .ExecuteUpdateAsync(
                    set => set.SetProperty(o => o.Stock, o => o.Stock + line.Quantity)
                        .SetProperty(o => o.Version, o => o.Version + 1)
                        .SetProperty(o => o.UpdatedAt, now),
                    cancellationToken);
        }

        await PublishStockChangesAsync(perOffer.Select(l => l.OfferId), now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A concurrent call with the same return id returned the units first.
            await transaction.RollbackAsync(CancellationToken.None);
            return SettleOutcome.Done;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken);
        return SettleOutcome.Done;
    }

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
                // An offer withdrawn meanwhile has nothing to return to; its row stays as the record of the units. Units an
                // earlier return gave back are not given back twice.
                var units = row.Quantity - row.ReturnedQuantity;
                await db.Offers
                    .Where(o => o.Id == row.OfferId)
                    .ExecuteUpdateAsync(
                        set => set.SetProperty(o => o.Stock, o => o.Stock + units)
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
        OfferWriter.PublishChanges(db, offers.Select(o => OfferWriter.Changed(o, now)).ToList(), clock);
    }

    private async Task<ReserveResult> ShortAsync(List<ReservedLine> perOffer, Guid failedOfferId, CancellationToken cancellationToken)
    {
        var ids = perOffer.Select(l => l.OfferId).ToList();
        var stock = await db.Offers.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Stock, cancellationToken);
        var shortLines = perOffer
            .Where(l => l.OfferId == failedOfferId || !stock.TryGetValue(l.OfferId, out var available) || available < l.Quantity)
            .Select(l => stock.TryGetValue(l.OfferId, out var available)
                ? new ShortLine(l.OfferId, l.Quantity, available, OfferExists: true)
                : new ShortLine(l.OfferId, l.Quantity, 0, OfferExists: false))
            .ToList();
        return new ReserveResult(ReserveOutcome.InsufficientStock, shortLines);
    }

    /// <summary>
    /// What a reserve answers when rows already exist under its ids: the same lines under every id are a repeat (held or
    /// sold: reserved; released or restocked: spent); other lines, or only some of the ids, are taken. Null when none of
    /// the ids has rows, so the attempt was a fresh one.
    /// </summary>
    private async Task<ReserveResult?> RepeatAsync(List<StockHold> wanted, CancellationToken cancellationToken)
    {
        var ids = wanted.Select(h => h.ReservationId).ToList();
        var existing = await db.StockReservations.AsNoTracking().Where(r => ids.Contains(r.ReservationId)).ToListAsync(cancellationToken);
        if (existing.Count == 0)
        {
            return null;
        }

        var same = wanted.All(hold =>
        {
            var rows = existing.Where(r => r.ReservationId == hold.ReservationId).ToList();
            return rows.Count == hold.Lines.Count && rows.All(row => hold.Lines.Any(line => line.OfferId == row.OfferId && line.Quantity == row.Quantity));
        });
        if (!same)
        {
            return new ReserveResult(ReserveOutcome.IdTaken, []);
        }

        return existing.All(r => r.State is ReservationState.Held or ReservationState.Sold)
            ? new ReserveResult(ReserveOutcome.Reserved, [])
            : new ReserveResult(ReserveOutcome.Spent, []);
    }

    private Task<List<StockReservation>> RowsOfAsync(Guid reservationId, CancellationToken cancellationToken) =>
        db.StockReservations.AsNoTracking().Where(r => r.ReservationId == reservationId).ToListAsync(cancellationToken);

    /// <summary>Each reservation with one line per offer (quantities added); refuses what no reserve may ask for.</summary>
    private List<StockHold> Normalize(IReadOnlyList<StockHold> holds, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(holds);
        if (holds.Count == 0)
        {
            throw new ArgumentException("A reserve names at least one reservation.", nameof(holds));
        }

        if (holds.Any(h => h.ReservationId == Guid.Empty) || holds.Select(h => h.ReservationId).Distinct().Count() != holds.Count)
        {
            throw new ArgumentException("Every reservation needs its own id.", nameof(holds));
        }

        if (expiresAt <= now)
        {
            throw new ArgumentException($"The expiry {expiresAt:O} is not in the future.", nameof(expiresAt));
        }

        var maxLines = options.Value.MaxLines;
        return holds.Select(hold =>
        {
            ArgumentNullException.ThrowIfNull(hold.Lines);
            if (hold.Lines.Any(l => l.Quantity < 1))
            {
                throw new ArgumentException("Every line needs a quantity of 1 or more.", nameof(holds));
            }

            var merged = hold.Lines
                .GroupBy(l => l.OfferId)
                .Select(g => new ReservedLine(g.Key, checked(g.Sum(l => l.Quantity))))
                .ToList();
            if (merged.Count == 0 || merged.Count > maxLines)
            {
                throw new ArgumentException($"A reservation holds 1 to {maxLines} offers; {hold.ReservationId} names {merged.Count}.", nameof(holds));
            }

            return new StockHold(hold.ReservationId, merged);
        }).ToList();
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
