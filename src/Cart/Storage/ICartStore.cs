using Marketplace.Platform;

namespace Marketplace.Cart.Storage;

/// <summary>
/// Where carts live: Redis in production, process memory on the embedded profile. Every change is one atomic step
/// on one cart (a Redis script, or a lock per cart in memory), so concurrent changes lose nothing, and every change
/// restarts the cart's idle time to live.
/// </summary>
internal interface ICartStore
{
    /// <summary>The cart, or null when a guest cart is not stored (never used, expired, or merged away).</summary>
    Task<StoredCart?> ReadAsync(CartKey key, CancellationToken cancellationToken);

    /// <summary>Whether the guest cart was merged into a customer's cart lately (<see cref="CartOptions.MergedTokenMemory"/>).</summary>
    Task<bool> WasMergedAsync(CartKey guest, CancellationToken cancellationToken);

    /// <summary>
    /// Adds units of an offer: a new line, or more of an existing one (which keeps the price seen first). A cart that
    /// is not stored is created when <paramref name="mayCreate"/>, unless it is a guest cart merged away.
    /// </summary>
    Task<CartWrite> AddAsync(CartKey key, NewLine line, CartLimits limits, bool mayCreate, CancellationToken cancellationToken);

    /// <summary>Sets the quantity of an existing line.</summary>
    Task<CartWrite> SetQuantityAsync(CartKey key, Guid offerId, int quantity, CartLimits limits, CancellationToken cancellationToken);

    Task<CartWrite> RemoveAsync(CartKey key, Guid offerId, CartLimits limits, CancellationToken cancellationToken);

    /// <summary>Adds a promo code (normalized); adding one the cart already carries changes nothing. Creates a cart as <see cref="AddAsync"/> does.</summary>
    Task<CartWrite> AddPromoCodeAsync(CartKey key, string code, CartLimits limits, bool mayCreate, CancellationToken cancellationToken);

    Task<CartWrite> RemovePromoCodeAsync(CartKey key, string code, CartLimits limits, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a guest cart into a customer's: quantities add up to the line limit, lines beyond the cart's line limit
    /// stay behind and are reported, and the guest cart is deleted. Merging the same guest cart into the same customer
    /// again answers <see cref="MergeStatus.AlreadyMerged"/>.
    /// </summary>
    Task<MergeResult> MergeAsync(CartKey guest, CartKey customer, Guid customerId, CartLimits limits, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the ordered units out of the cart: each line loses the ordered quantity, and goes when nothing is left.
    /// The first call for an order group does it and leaves a marker (<see cref="CartLimits.RecordedOrderMemory"/>);
    /// a repeat finds the marker and changes nothing. Marker and change are one atomic step.
    /// </summary>
    Task RemoveOrderedAsync(CartKey key, Guid orderGroupId, IReadOnlyDictionary<Guid, int> ordered, CartLimits limits, CancellationToken cancellationToken);
}

/// <summary>Which cart: a guest cart or a customer cart; either is stored from its first change.</summary>
/// <param name="Id">The storage id: a hash of the guest token, or the customer id.</param>
/// <param name="IsGuest">Guest carts idle out sooner, and are merged into customer carts.</param>
internal readonly record struct CartKey(string Id, bool IsGuest);

/// <summary>A cart as stored: lines in the order they were first added, and the promo codes it carries.</summary>
internal sealed record StoredCart(long Version, IReadOnlyList<StoredLine> Lines, IReadOnlyList<string> PromoCodes)
{
    public static readonly StoredCart Empty = new(0, [], []);
}

/// <summary>One stored line: the seller is kept so a line whose offer is withdrawn still shows under its seller.</summary>
internal sealed record StoredLine(Guid OfferId, Guid SellerId, int Quantity, Money PriceWhenAdded, long Sequence);

/// <summary>What a new line records besides its quantity.</summary>
internal sealed record NewLine(Guid OfferId, Guid SellerId, int Quantity, Money PriceSeen);

/// <summary>The limits a change must respect; from <see cref="CartOptions"/>.</summary>
internal sealed record CartLimits(
    int MaxQuantityPerLine, int MaxLines, int MaxPromoCodes, TimeSpan IdleTimeToLive, TimeSpan GuestIdleTimeToLive, TimeSpan MergedTokenMemory,
    TimeSpan RecordedOrderMemory)
{
    public static CartLimits From(CartOptions options) =>
        new(options.MaxQuantityPerLine, options.MaxLines, options.MaxPromoCodes, options.IdleTimeToLive, options.GuestIdleTimeToLive, options.MergedTokenMemory,
            options.RecordedOrderMemory);

    /// <summary>How long the cart lives after a change.</summary>
    public TimeSpan TimeToLive(CartKey key) => key.IsGuest ? GuestIdleTimeToLive : IdleTimeToLive;
}

internal enum CartWriteStatus
{
    Written,
    CartNotFound,
    LineNotFound,
    TooManyLines,
    QuantityOverLimit,
    TooManyPromoCodes,

    /// <summary>The in-process store holds as many carts as it may; a new one must wait.</summary>
    StoreFull,
}

/// <summary>The outcome of one change; <paramref name="Quantity"/> is the line's quantity after (or before, when refused).</summary>
internal readonly record struct CartWrite(CartWriteStatus Status, int Quantity = 0);

internal enum MergeStatus
{
    Merged,
    AlreadyMerged,
    GuestCartNotFound,
}

/// <summary>The outcome of a merge, with the offers whose lines did not fit into the customer's cart.</summary>
internal sealed record MergeResult(MergeStatus Status, IReadOnlyList<Guid> LinesLeftBehind);
