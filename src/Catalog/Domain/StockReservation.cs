namespace Marketplace.Catalog.Domain;

/// <summary>
/// Units of one offer held under one reservation. A reservation is the rows sharing its id (one per offer); they are
/// created together, move between states together, and their quantities never change (a return counts in
/// <see cref="ReturnedQuantity"/> what it gave back).
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

    /// <summary>
    /// Sold units already given back one return at a time (a refund of some units of an order not shipped), at most
    /// <see cref="Quantity"/>; restocking the reservation gives back only the rest.
    /// </summary>
    public int ReturnedQuantity { get; set; }
}

/// <summary>Units of one offer a return gave back from a sold reservation; the return id and the offer are its key.</summary>
internal sealed class StockReturn
{
    public Guid ReturnId { get; set; }

    public Guid OfferId { get; set; }

    public Guid ReservationId { get; set; }

    public int Quantity { get; set; }

    public string Reason { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
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
