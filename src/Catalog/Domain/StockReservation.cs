namespace Marketplace.Catalog.Domain;

/// <summary>
/// Units of one offer held under one reservation. A reservation is the rows sharing its id (one per offer); they are
/// created together, move between states together, and their quantities never change.
/// </summary>
internal sealed class StockReservation
{
    public Guid ReservationId { get; set; }

    public Guid OfferId { get; set; }

    public int Quantity { get; set; }

    public ReservationState State { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was last sold, released or restocked.</summary>
    public DateTimeOffset? SettledAt { get; set; }

    /// <summary>Why it was released or restocked, as the caller (or the sweeper) said.</summary>
    public string? Reason { get; set; }
}

/// <summary>
/// Where a reservation stands. Held units are out of the offer's stock; sold units are the sale's; released and restocked
/// units are back in stock. Only held→sold, held→released and sold→restocked happen, each by one conditional update.
/// </summary>
internal enum ReservationState
{
    Held,
    Sold,
    Released,
    Restocked,
}
