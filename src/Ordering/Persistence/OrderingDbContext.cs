using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Contracts;
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

    /// <summary>
    /// Queues the integration event of a move <see cref="SellerOrder.Apply"/> made, in the same save as the move. The one
    /// place that says which transition tells the rest of the system what.
    /// </summary>
    public void PublishMove(SellerOrder order, OrderTransition transition, OrderStatus from, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        switch (transition)
        {
            case OrderTransition.PaymentAuthorized:
                Publish(new OrderPlaced(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, Money.Of(order.Total, order.Currency), now), clock);
                break;
            case OrderTransition.Accept:
                Publish(new OrderAccepted(order.Id, order.SellerId, now), clock);
                break;
            case OrderTransition.MarkShipped:
                Publish(new OrderShipped(order.Id, order.SellerId, order.Carrier, order.TrackingNumber, now), clock);
                break;
            case OrderTransition.MarkDelivered:
                Publish(new OrderDelivered(order.Id, order.SellerId, false, now), clock);
                break;
            case OrderTransition.ConfirmReceipt:
                Publish(new OrderDelivered(order.Id, order.SellerId, true, now), clock);
                break;
            case OrderTransition.PaymentFailed or OrderTransition.PaymentAbandoned or OrderTransition.Reject or OrderTransition.Cancel:
                Publish(new OrderCancelled(order.Id, order.GroupId, order.SellerId, transition.ToString(), order.CancellationReason, from != OrderStatus.PendingPayment, now), clock);
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

            // The keyset pages: a customer's orders and a seller's, newest first, and a seller's by status.
            order.HasIndex(o => new { o.CustomerId, o.CreatedAt, o.Number });
            order.HasIndex(o => new { o.SellerId, o.CreatedAt, o.Number });
            order.HasIndex(o => new { o.SellerId, o.Status, o.CreatedAt, o.Number });
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
        });
    }
}
