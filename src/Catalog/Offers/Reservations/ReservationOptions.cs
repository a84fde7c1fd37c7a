namespace Marketplace.Catalog.Offers.Reservations;

/// <summary>Limits of stock reservations; bound from <c>Catalog:Reservations</c> and validated at start.</summary>
internal sealed class ReservationOptions
{
    public const string Section = "Catalog:Reservations";

    /// <summary>Most lines (distinct offers) one reservation may hold; at least the cart's own line limit.</summary>
    public int MaxLines { get; set; } = 100;

    /// <summary>How often each replica looks for held reservations past their expiry and releases them.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reservations one sweep reads per query; a sweep keeps reading until it finds fewer than this.</summary>
    public int SweepBatchSize { get; set; } = 200;

    /// <summary>
    /// Times a reserve, release or restock is run again after PostgreSQL picked it as a deadlock victim (against a seller's
    /// offer write, which locks offers in another order); zero lets the deadlock reach the caller.
    /// </summary>
    public int DeadlockRetries { get; set; } = 3;

    /// <summary>Longest reason kept with a released or restocked reservation (the column's width).</summary>
    public const int MaxReasonLength = 200;
}
