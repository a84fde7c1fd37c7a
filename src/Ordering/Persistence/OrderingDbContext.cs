using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Lists;
using Marketplace.Ordering.Orders;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Persistence;

internal sealed class OrderingDbContext(DbContextOptions<OrderingDbContext> options) : ModuleDbContext(options, "ordering")
{
    public const int MaxTextLength = 300;

    public DbSet<OrderGroup> OrderGroups => Set<OrderGroup>();

    public DbSet<SellerOrder> SellerOrders => Set<SellerOrder>();

    public DbSet<OrderHistoryEntry> OrderHistory => Set<OrderHistoryEntry>();

    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    /// <summary>The order lists' read model, fed by the order events (<see cref="OrderListProjector"/>).</summary>
    public DbSet<OrderListEntry> OrderList => Set<OrderListEntry>();

    /// <summary>
    /// Queues the integration event of a move <see cref="SellerOrder.Apply"/> made, in the same save as the move. The one
    /// place that says which transition tells the rest of the system what.
    /// </summary>
    public void PublishMove(SellerOrder order, OrderTransition transition, OrderStatus from, TimeProvider clock)
    {
        // The move's own time, so that a reader built from the events shows the same UpdatedAt as the order.
        var at = order.UpdatedAt;
        var total = Money.Of(order.Total, order.Currency);
        switch (transition)
        {
            case OrderTransition.PaymentAuthorized:
                Publish(new OrderPlaced(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, total, order.CreatedAt, order.Version, at), clock);
                break;
            case OrderTransition.Accept:
                Publish(new OrderAccepted(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, total, order.CreatedAt, order.Version, at), clock);
                break;
            case OrderTransition.MarkShipped:
                Publish(new OrderShipped(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, total, order.CreatedAt,
                    order.Carrier, order.TrackingNumber, order.Version, at), clock);
                break;
            case OrderTransition.MarkDelivered or OrderTransition.ConfirmReceipt:
                Publish(new OrderDelivered(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, total, order.CreatedAt,
                    transition == OrderTransition.ConfirmReceipt, order.Version, at), clock);
                break;
            case OrderTransition.PaymentFailed or OrderTransition.PaymentAbandoned or OrderTransition.Reject or OrderTransition.Cancel:
                Publish(new OrderCancelled(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, total, order.CreatedAt,
                    transition.ToString(), order.CancellationReason, from != OrderStatus.PendingPayment, order.Version, at), clock);
                break;
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<OrderGroup>(group =>
        {
            group.ToTable("order_groups");
            group.HasKey(g => g.Id);
            group.Property(g => g.Id).ValueGeneratedNever();
            group.Property(g => g.Number).HasMaxLength(32);
            group.HasIndex(g => g.Number).IsUnique();
            group.Property(g => g.ContactEmail).HasMaxLength(OrderGroup.MaxEmailLength);
            group.HasIndex(g => g.ContactEmail);
            group.Property(g => g.GuestTokenHash).HasMaxLength(32);
            group.Property(g => g.Currency).HasMaxLength(3);
            group.Property(g => g.PromoCodes).HasMaxLength(1000);
            group.Property(g => g.CartOwner).HasMaxLength(200);
            group.Property(g => g.PaymentStatus).HasConversion<string>().HasMaxLength(20);
            group.Property(g => g.PaymentDeclineReason).HasMaxLength(MaxTextLength);
            group.HasIndex(g => g.PaymentId);
            group.OwnsOne(g => g.ShippingAddress, address =>
            {
                address.Property(a => a.Name).HasMaxLength(200);
                address.Property(a => a.Country).HasMaxLength(2);
                address.Property(a => a.PostalCode).HasMaxLength(20);
                address.Property(a => a.City).HasMaxLength(100);
                address.Property(a => a.Lines).HasMaxLength(1000);
            });
            group.HasMany(g => g.Orders).WithOne().HasForeignKey(o => o.GroupId);
        });

        modelBuilder.Entity<SellerOrder>(order =>
        {
            order.ToTable("seller_orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).ValueGeneratedNever();
            order.Property(o => o.Number).HasMaxLength(40);
            order.HasIndex(o => o.Number).IsUnique();
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            order.Property(o => o.LastTransition).HasConversion<string>().HasMaxLength(30);
            order.Property(o => o.DeliveryKind).HasConversion<string>().HasMaxLength(30);
            order.Property(o => o.Currency).HasMaxLength(3);
            order.Property(o => o.Carrier).HasMaxLength(100);
            order.Property(o => o.TrackingNumber).HasMaxLength(100);
            order.Property(o => o.CancellationReason).HasMaxLength(MaxTextLength);
            order.Property(o => o.Version).IsConcurrencyToken();
            order.OwnsOne(o => o.Delivery, delivery =>
            {
                delivery.Property(d => d.OptionId).HasMaxLength(100);
                delivery.Property(d => d.CarrierId).HasMaxLength(50);
                delivery.Property(d => d.ServiceId).HasMaxLength(100);
                delivery.Property(d => d.ServiceName).HasMaxLength(200);
            });
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
            order.HasMany(o => o.History).WithOne().HasForeignKey(h => h.OrderId);

            // Staff find a seller's groups by it; the lists read order_list_entries instead.
            order.HasIndex(o => o.SellerId);
        });

        modelBuilder.Entity<OrderListEntry>(entry =>
        {
            entry.ToTable("order_list_entries");
            entry.HasKey(e => e.OrderId);
            entry.Property(e => e.OrderId).ValueGeneratedNever();
            entry.Property(e => e.Number).HasMaxLength(40);
            entry.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
            entry.Property(e => e.Currency).HasMaxLength(3);

            // One index per list query, in the lists' order (newest first, then number), so a page is one index range.
            entry.HasIndex(e => new { e.SellerId, e.CreatedAt, e.Number }).IsDescending(false, true, true);
            entry.HasIndex(e => new { e.SellerId, e.Status, e.CreatedAt, e.Number }).IsDescending(false, false, true, true);
            entry.HasIndex(e => new { e.CustomerId, e.CreatedAt, e.Number }).IsDescending(false, true, true);
        });

        modelBuilder.Entity<OrderLine>(line =>
        {
            line.ToTable("order_lines");
            line.HasKey(l => l.Id);
            line.Property(l => l.Id).ValueGeneratedNever();
            line.Property(l => l.SkuCode).HasMaxLength(100);
            line.Property(l => l.Title).HasMaxLength(MaxTextLength);
        });

        modelBuilder.Entity<OrderHistoryEntry>(entry =>
        {
            entry.ToTable("order_history");
            entry.HasKey(h => new { h.OrderId, h.Version });
            entry.Property(h => h.Transition).HasConversion<string>().HasMaxLength(30);
            entry.Property(h => h.From).HasConversion<string>().HasMaxLength(20);
            entry.Property(h => h.To).HasConversion<string>().HasMaxLength(20);
            entry.Property(h => h.ActorKind).HasConversion<string>().HasMaxLength(20);
            entry.Property(h => h.ActorId).HasMaxLength(100);
            entry.Property(h => h.Reason).HasMaxLength(MaxTextLength);
        });

        modelBuilder.Entity<IdempotencyRecord>(key =>
        {
            key.ToTable("idempotency_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.OwnerScope).HasMaxLength(IdempotencyRecord.MaxOwnerScopeLength);
            key.Property(k => k.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength);
            key.Property(k => k.RequestHash).HasMaxLength(32);
            key.HasIndex(k => new { k.OwnerScope, k.Key }).IsUnique();
            key.HasIndex(k => k.ExpiresAt);

            // The sweeper looks for keys left unanswered; answered ones, nearly all of them, stay out of this index.
            key.HasIndex(k => k.CreatedAt).HasDatabaseName("ix_idempotency_keys_unanswered").HasFilter("response_status IS NULL");
        });
    }
}
