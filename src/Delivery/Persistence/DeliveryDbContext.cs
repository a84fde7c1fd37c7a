using Marketplace.Delivery.Contracts;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Delivery.Persistence;

/// <summary>
/// A quote as stored: its lifetime, and the quote with what it was computed for as one JSON document. Checkout reads
/// it back whole by id, so nothing in it needs columns of its own.
/// </summary>
internal sealed class StoredQuote
{
    public required Guid Id { get; init; }

    public required DateTimeOffset QuotedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required string Document { get; init; }
}

/// <summary>A shipment booked with the built-in carrier.</summary>
internal sealed class Shipment
{
    public required Guid Id { get; init; }

    public required string CarrierId { get; init; }

    public required string OrderReference { get; init; }

    public required Guid SellerId { get; init; }

    public required string ServiceId { get; init; }

    public required string TrackingNumber { get; init; }

    public required string LabelReference { get; init; }

    public required int Parcels { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public ShipmentStatus Status { get; set; }

    public List<ShipmentEventRow> Events { get; init; } = [];
}

internal sealed class ShipmentEventRow
{
    public long Id { get; private set; }

    public required Guid ShipmentId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required ShipmentStatus Status { get; init; }

    public required string Description { get; init; }
}

/// <summary>
/// A CDEK order of ours, written before the order is sent: CDEK has no idempotency key, so this row (unique per order
/// reference and seller) is what makes a repeated booking find the first one instead of making a second. Its id is the
/// order's <c>number</c> at CDEK, so an order whose answer was lost is found again by it.
/// </summary>
internal sealed class CdekOrderRow
{
    public required Guid Id { get; init; }

    public required string OrderReference { get; init; }

    public required Guid SellerId { get; init; }

    public required string ServiceId { get; init; }

    /// <summary>The JSON body sent (or to send) to <c>POST /v2/orders</c>.</summary>
    public required string Request { get; init; }

    public required int Parcels { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Until when one caller holds the right to send the order; another waits for it, or takes over after it.</summary>
    public DateTimeOffset ClaimedUntil { get; set; }

    /// <summary>CDEK's id of the order, once it answered the creation.</summary>
    public Guid? CdekUuid { get; set; }

    /// <summary>CDEK's order number, the tracking number, once the order is accepted.</summary>
    public string? CdekNumber { get; set; }

    public string? LabelUrl { get; set; }
}

/// <summary>
/// One shipping request of a seller under its key: the hash of what it asked, so that a repeat is told from another
/// request under the same key. The unique index on (seller, key), not a lookup, decides between concurrent repeats.
/// </summary>
internal sealed class ShipmentRequestRow
{
    public const int MaxKeyLength = 255;

    public required Guid Id { get; init; }

    public required Guid SellerId { get; init; }

    public required string Key { get; init; }

    public required Guid OrderId { get; init; }

    public required byte[] RequestHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A parcel of a seller's order: booked through a carrier, or sent by the seller with its own tracking number.</summary>
internal sealed class ParcelRow
{
    public required Guid Id { get; init; }

    /// <summary>The request that shipped it, and its place in that request: together unique.</summary>
    public required Guid RequestId { get; init; }

    public required int Index { get; init; }

    public required Guid OrderId { get; init; }

    public required Guid SellerId { get; init; }

    public required string CarrierId { get; init; }

    public required string TrackingNumber { get; init; }

    public string? LabelReference { get; init; }

    public required bool Booked { get; init; }

    public ShipmentStatus Status { get; set; }

    public required DateTimeOffset ShippedAt { get; init; }

    /// <summary>When the carrier last told us something new (a webhook or a poll), so polling asks only about quiet parcels.</summary>
    public DateTimeOffset LastEventAt { get; set; }

    /// <summary>When polling last asked the carrier.</summary>
    public DateTimeOffset? PolledAt { get; set; }
}

/// <summary>One event of a parcel; (parcel, time, status) is unique, so a webhook repeated or also polled is kept once.</summary>
internal sealed class ParcelEventRow
{
    public long Id { get; private set; }

    public required Guid ParcelId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required ShipmentStatus Status { get; init; }

    public required string Description { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }
}

internal sealed class DeliveryDbContext(DbContextOptions<DeliveryDbContext> options) : ModuleDbContext(options, "delivery")
{
    public const int MaxIdLength = 100;

    public DbSet<StoredQuote> Quotes => Set<StoredQuote>();

    public DbSet<Shipment> Shipments => Set<Shipment>();

    public DbSet<ShipmentEventRow> ShipmentEvents => Set<ShipmentEventRow>();

    public DbSet<CdekOrderRow> CdekOrders => Set<CdekOrderRow>();

    public DbSet<ShipmentRequestRow> ShipmentRequests => Set<ShipmentRequestRow>();

    public DbSet<ParcelRow> Parcels => Set<ParcelRow>();

    public DbSet<ParcelEventRow> ParcelEvents => Set<ParcelEventRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<StoredQuote>(quote =>
        {
            quote.ToTable("quotes");
            quote.HasKey(q => q.Id);
            quote.Property(q => q.Id).ValueGeneratedNever();
            quote.HasIndex(q => q.ExpiresAt);
        });
        modelBuilder.Entity<Shipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.HasKey(s => s.Id);
            shipment.Property(s => s.Id).ValueGeneratedNever();
            shipment.Property(s => s.CarrierId).HasMaxLength(MaxIdLength);
            shipment.Property(s => s.OrderReference).HasMaxLength(MaxIdLength);
            shipment.Property(s => s.ServiceId).HasMaxLength(MaxIdLength);
            shipment.Property(s => s.TrackingNumber).HasMaxLength(40);
            shipment.Property(s => s.LabelReference).HasMaxLength(200);
            shipment.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);

            // The idempotency of booking: one shipment per carrier, order and seller, decided by this key, not by a lookup.
            shipment.HasIndex(s => new { s.CarrierId, s.OrderReference, s.SellerId }).IsUnique();
            shipment.HasIndex(s => new { s.CarrierId, s.TrackingNumber }).IsUnique();
            shipment.HasMany(s => s.Events).WithOne().HasForeignKey(e => e.ShipmentId);
        });
        modelBuilder.Entity<ShipmentEventRow>(row =>
        {
            row.ToTable("shipment_events");
            row.HasKey(e => e.Id);
            row.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            row.Property(e => e.Description).HasMaxLength(500);
            row.HasIndex(e => new { e.ShipmentId, e.Id });
        });
        modelBuilder.Entity<CdekOrderRow>(order =>
        {
            order.ToTable("cdek_orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).ValueGeneratedNever();
            order.Property(o => o.OrderReference).HasMaxLength(MaxIdLength);
            order.Property(o => o.ServiceId).HasMaxLength(MaxIdLength);
            order.Property(o => o.CdekNumber).HasMaxLength(40);
            order.Property(o => o.LabelUrl).HasMaxLength(1000);

            // One CDEK order per order and seller, decided by this key.
            order.HasIndex(o => new { o.OrderReference, o.SellerId }).IsUnique();
            order.HasIndex(o => o.CdekNumber).IsUnique();
        });
        modelBuilder.Entity<ShipmentRequestRow>(request =>
        {
            request.ToTable("shipment_requests");
            request.HasKey(r => r.Id);
            request.Property(r => r.Id).ValueGeneratedNever();
            request.Property(r => r.Key).HasMaxLength(ShipmentRequestRow.MaxKeyLength);
            request.HasIndex(r => new { r.SellerId, r.Key }).IsUnique();
        });
        modelBuilder.Entity<ParcelRow>(parcel =>
        {
            parcel.ToTable("parcels");
            parcel.HasKey(p => p.Id);
            parcel.Property(p => p.Id).ValueGeneratedNever();
            parcel.Property(p => p.CarrierId).HasMaxLength(MaxIdLength);
            parcel.Property(p => p.TrackingNumber).HasMaxLength(MaxIdLength);
            parcel.Property(p => p.LabelReference).HasMaxLength(1000);
            parcel.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
            parcel.HasIndex(p => new { p.RequestId, p.Index }).IsUnique();
            parcel.HasIndex(p => p.OrderId);
            parcel.HasIndex(p => new { p.CarrierId, p.TrackingNumber });
            parcel.HasIndex(p => p.LastEventAt);
        });
        modelBuilder.Entity<ParcelEventRow>(row =>
        {
            row.ToTable("parcel_events");
            row.HasKey(e => e.Id);
            row.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            row.Property(e => e.Description).HasMaxLength(500);
            row.HasIndex(e => new { e.ParcelId, e.At, e.Status }).IsUnique();
        });
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DeliveryDbContext>
{
    public DeliveryDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<DeliveryDbContext>(DeliveryModule.Module));
}
