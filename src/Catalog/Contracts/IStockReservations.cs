namespace Marketplace.Catalog.Contracts;

/// <summary>
/// Holds offer stock for a checkout that is still deciding, with an expiry, so no unit is sold twice and stock never goes
/// negative while the order and the payment are settled on other databases. The caller (Ordering) owns the reservation
/// id and drives it: reserve, then commit (the order is placed) or release (declined, cancelled, abandoned). A held
/// reservation nobody settles is released by Catalog's sweeper once it expires, so a crashed checkout leaks nothing.
/// </summary>
/// <remarks>
/// Every stock change made here is written with an <see cref="OfferChanged"/> (one per offer touched) in the same
/// transaction, so listings, product pages and cart snapshots follow. <see cref="OfferSnapshot.Stock"/> and the
/// product page's stock are the units available now, held units excluded. A seller who sets an offer's stock sets the
/// units available to sell now; units held for open reservations come on top of it when they are released.
/// </remarks>
public interface IStockReservations
{
    /// <summary>
    /// Holds every line of every reservation, or nothing. A checkout holds all its seller orders in one call: each offer's
    /// units are taken from its available stock by one conditional update (never below zero), in one transaction with a
    /// reservation row per line; when any line is short, nothing is held and the result names every short line with the
    /// units available now (an offer that no longer exists shows 0).
    /// </summary>
    /// <param name="holds">The reservations, each under the caller's id, chosen once per checkout attempt and order.
    /// Repeating a reserve that succeeded holds nothing more and answers <see cref="ReserveOutcome.Reserved"/> again (the
    /// reservation rows' unique key decides between concurrent repeats); a reserve that failed held nothing, so repeating
    /// it is a fresh attempt. Each reservation has at least one line and at most <c>Catalog:Reservations:MaxLines</c>
    /// offers, each with a positive quantity; lines of one reservation naming the same offer are added together.</param>
    /// <param name="expiresAt">When unsettled reservations are given back; must be in the future.</param>
    /// <param name="cancellationToken">Cancels the attempt; a cancelled attempt held everything or nothing, and what it
    /// held expires like any other reservation.</param>
    /// <exception cref="ArgumentException">No reservation, an empty or repeated id, no lines, too many lines, a quantity
    /// below 1, or an expiry that is not in the future.</exception>
    Task<ReserveResult> ReserveAsync(IReadOnlyList<StockHold> holds, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Turns the held units of each reservation into the sale: its order was placed. Stock does not change (the units left
    /// it when they were held). A reservation still held commits even past its expiry, as long as the sweeper has not
    /// released it yet; the sweeper and this call decide between them by one conditional update, so exactly one wins.
    /// Repeating a commit that succeeded answers <see cref="SettleOutcome.Done"/> again.
    /// </summary>
    /// <returns>Each reservation id with its outcome: <see cref="SettleOutcome.Done"/> when it is sold,
    /// <see cref="SettleOutcome.Released"/> or <see cref="SettleOutcome.Restocked"/> when it can no longer be, and
    /// <see cref="SettleOutcome.NotFound"/> for an id that holds nothing.</returns>
    Task<IReadOnlyDictionary<Guid, SettleOutcome>> CommitAsync(IReadOnlyList<Guid> reservationIds, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the held units back to stock, exactly once however often and however concurrently it is called: the state
    /// moves from held to released by one conditional update, and only the call that moved it adds the units back, in the
    /// same transaction. Use it on a declined payment, a cancelled or abandoned checkout. A reservation already sold is
    /// refused (<see cref="SettleOutcome.AlreadySold"/>): returning sold units is <see cref="RestockAsync"/>.
    /// </summary>
    /// <param name="reservationId">The reservation.</param>
    /// <param name="reason">Why it is released (kept with the reservation for support), 1 to 200 characters.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled release released everything or nothing.</param>
    /// <exception cref="ArgumentException">A reason that is empty or longer than 200 characters.</exception>
    Task<SettleOutcome> ReleaseAsync(Guid reservationId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Returns sold units to stock, exactly once, when an order placed with this reservation is cancelled before it ships.
    /// The state moves from sold to restocked by one conditional update, and only the call that moved it adds the units
    /// back. A reservation still held is refused (<see cref="SettleOutcome.NotSold"/>: release it instead); one released
    /// before it sold is refused as <see cref="SettleOutcome.Released"/>.
    /// </summary>
    /// <param name="reservationId">The reservation the order was placed with.</param>
    /// <param name="reason">Why the units come back, 1 to 200 characters.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled restock restocked everything or nothing.</param>
    /// <exception cref="ArgumentException">A reason that is empty or longer than 200 characters.</exception>
    Task<SettleOutcome> RestockAsync(Guid reservationId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Returns some sold units of a reservation to stock, exactly once per <paramref name="returnId"/>, when part of an
    /// order placed with it is refunded before it ships. Each offer's returned units are counted on the reservation by a
    /// conditional update (never more than it sold), in one transaction with the return's rows (whose key is the return
    /// id: a repeat returns nothing more) and the stock; a later <see cref="RestockAsync"/> gives back only the rest.
    /// </summary>
    /// <param name="reservationId">The reservation the order was placed with.</param>
    /// <param name="returnId">The caller's id for this return (Ordering uses the refund's id).</param>
    /// <param name="lines">The offers and units to return, each at least 1; lines naming the same offer are added together.</param>
    /// <param name="reason">Why the units come back, 1 to 200 characters.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled return returned everything or nothing.</param>
    /// <returns><see cref="SettleOutcome.Done"/> when the units are back (now or by an earlier call with the same id);
    /// <see cref="SettleOutcome.Restocked"/> when the whole reservation was restocked already (so are these units);
    /// <see cref="SettleOutcome.NotSold"/>, <see cref="SettleOutcome.Released"/> or <see cref="SettleOutcome.NotFound"/>
    /// when nothing was sold under it.</returns>
    /// <exception cref="ArgumentException">No lines, a quantity below 1, an offer the reservation does not hold, more
    /// units than it sold and has not returned, or a bad reason.</exception>
    Task<SettleOutcome> ReturnUnitsAsync(Guid reservationId, Guid returnId, IReadOnlyList<ReservedLine> lines, string reason, CancellationToken cancellationToken);
}

/// <summary>One reservation to hold: the caller's id for it and its lines.</summary>
/// <param name="ReservationId">The caller's id (Ordering uses the seller order's id).</param>
/// <param name="Lines">The offers and units to hold under it.</param>
public sealed record StockHold(Guid ReservationId, IReadOnlyList<ReservedLine> Lines);

/// <summary>Units of one offer to hold.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Quantity">Units, 1 or more.</param>
public sealed record ReservedLine(Guid OfferId, int Quantity);

/// <summary>What a reserve did.</summary>
/// <param name="Outcome">Whether the units are held.</param>
/// <param name="ShortLines">With <see cref="ReserveOutcome.InsufficientStock"/>, every line the offers could not cover; empty otherwise.</param>
public sealed record ReserveResult(ReserveOutcome Outcome, IReadOnlyList<ShortLine> ShortLines)
{
    /// <summary>True when every line is held under the reservation id.</summary>
    public bool Reserved => Outcome == ReserveOutcome.Reserved;
}

/// <summary>A line the offer's stock could not cover.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="Requested">Units the line asked for.</param>
/// <param name="Available">Units available now (0 when the offer no longer exists).</param>
/// <param name="OfferExists">False when the offer was withdrawn or never existed.</param>
public sealed record ShortLine(Guid OfferId, int Requested, int Available, bool OfferExists);

/// <summary>The outcome of a reserve.</summary>
public enum ReserveOutcome
{
    /// <summary>Every line is held (now, or by an earlier call with the same ids, which held nothing twice).</summary>
    Reserved,

    /// <summary>At least one line is short; nothing was held.</summary>
    InsufficientStock,

    /// <summary>An id belongs to a reservation already released (or sold and restocked); it is spent, nothing was held. Use a new id.</summary>
    Spent,

    /// <summary>An id belongs to a reservation with other lines, or only some of the ids were held before; nothing more was held.</summary>
    IdTaken,
}

/// <summary>The outcome of a commit, a release or a restock.</summary>
public enum SettleOutcome
{
    /// <summary>The reservation is now in the state asked for (by this call or an earlier one).</summary>
    Done,

    /// <summary>No reservation has this id (never reserved, or its reserve failed).</summary>
    NotFound,

    /// <summary>The reservation was released (by the caller or by the sweeper after it expired): its units are back in stock and cannot be sold under it.</summary>
    Released,

    /// <summary>The reservation is sold, so it cannot be released; cancelled sales come back through a restock.</summary>
    AlreadySold,

    /// <summary>A restock of a reservation that is still held (not sold): release it instead.</summary>
    NotSold,

    /// <summary>The sold units were already returned to stock, so the reservation cannot be committed again.</summary>
    Restocked,
}
