using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Lists;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Refunds;
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

    /// <summary>The processes that run checkouts, and when each last said it was alive (<see cref="CheckoutRunnerHeartbeat"/>).</summary>
    public DbSet<CheckoutRunner> CheckoutRunners => Set<CheckoutRunner>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    /// <summary>Refunds of seller orders, by line or by amount (<see cref="Refunds.Issue.RefundIssuing"/>).</summary>
    public DbSet<OrderRefund> Refunds => Set<OrderRefund>();

    /// <summary>The order lists' read model, fed by the order events (<see cref="OrderListProjector"/>).</summary>
    public DbSet<OrderListEntry> OrderList => Set<OrderListEntry>();

    /// <summary>The orders' deadline timers (<see cref="DeadlineSweeper"/>).</summary>
    public DbSet<OrderDeadline> OrderDeadlines => Set<OrderDeadline>();

    /// <summary>
    /// Saves, and first closes the open deadlines that the moves in this save end (an order accepted closes its
    /// accept-by, shipped its ship-by, delivered or cancelled all of them), so that they are closed in the same transaction
    /// as the move and never fire. Every path that moves an order saves through here.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var moved = ChangeTracker.Entries<SellerOrder>()
            .Where(e => e.State == EntityState.Modified && e.Property(o => o.Status).IsModified && e.Entity.Status != OrderStatus.Placed)
            .Select(e => e.Entity)
            .ToDictionary(o => o.Id);
        if (moved.Count > 0)
        {
            var ids = moved.Keys.ToList();
            var now = moved.Values.Max(o => o.UpdatedAt);
            foreach (var deadline in await OrderDeadlines.Where(d => ids.Contains(d.OrderId) && d.SettledAt == null).ToListAsync(cancellationToken))
            {
                if (deadline.EndedBy(moved[deadline.OrderId].Status))
                {
                    deadline.Settle(DeadlineOutcome.Closed, now);
                }
            }
        }

        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Ordering saves asynchronously only, so that every save closes the deadlines its moves end.");

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
                Publish(new OrderPlaced(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId, total, order.CreatedAt, order.Version, at,
                    order.Lines.Select(l => new OrderPlacedLine(l.OfferId, l.CategoryId, Money.Of(l.LineTotal, order.Currency), l.Quantity)).ToList()), clock);
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
            case OrderTransition.PaymentFailed or OrderTransition.PaymentAbandoned or OrderTransition.Reject or OrderTransition.Cancel or OrderTransition.AcceptDeadlineMissed
                or OrderTransition.PaymentAuthorizationLapsed or OrderTransition.PaymentNotCaptured:
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
            group.Property(g => g.CheckoutLanguage).HasMaxLength(8).HasDefaultValue(Platform.Http.CustomerLanguages.Default);
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

            // Seller performance counts a seller's orders placed within a window.
            order.HasIndex(o => new { o.SellerId, o.PlacedAt });
            order.ComplexProperty(o => o.Sla, sla =>
            {
                // Required: an order never placed has every column null, and must still read as deadlines not set, not as none.
                sla.IsRequired();
                sla.Property(s => s.AcceptBy).HasColumnName("accept_by");
                sla.Property(s => s.ShipBy).HasColumnName("ship_by");
                sla.Property(s => s.DeliverBy).HasColumnName("deliver_by");
                sla.Property(s => s.ShipMissedAt).HasColumnName("ship_missed_at");
                sla.Property(s => s.DeliveryLateAt).HasColumnName("delivery_late_at");
            });
        });

        modelBuilder.Entity<OrderDeadline>(deadline =>
        {
            deadline.ToTable("order_deadlines");
            deadline.HasKey(d => new { d.OrderId, d.Kind });
            deadline.Property(d => d.Kind).HasConversion<string>().HasMaxLength(20);
            deadline.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(20);
            deadline.Ignore(d => d.IsOpen);

            // A timer is settled once: a move closing it and a sweep firing it cannot both win (the loser's save is refused).
            deadline.Property(d => d.SettledAt).IsConcurrencyToken();

            // The sweeper's one query: open timers by due time. Settled ones, nearly all of them, stay out of the index.
            deadline.HasIndex(d => d.DueAt).HasDatabaseName("ix_order_deadlines_open_due").HasFilter("settled_at IS NULL");
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

        modelBuilder.Entity<OrderRefund>(refund =>
        {
            refund.ToTable("order_refunds");
            refund.HasKey(r => r.Id);
            refund.Property(r => r.Id).ValueGeneratedNever();
            refund.HasIndex(r => new { r.OrderId, r.CreatedAt });
            refund.HasIndex(r => r.IdempotencyKeyId).IsUnique();
            refund.Property(r => r.Currency).HasMaxLength(3);
            refund.Property(r => r.Reason).HasMaxLength(OrderRefund.MaxReasonLength);
            refund.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            refund.Property(r => r.RequestedByKind).HasConversion<string>().HasMaxLength(20);
            refund.Property(r => r.RequestedById).HasMaxLength(100);
            refund.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.RefundId);
        });

        modelBuilder.Entity<OrderRefundLine>(line =>
        {
            line.ToTable("order_refund_lines");
            line.HasKey(l => new { l.RefundId, l.LineId });
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
        modelBuilder.Entity<CheckoutRunner>(runner =>
        {
            runner.ToTable("checkout_runners");
            runner.HasKey(r => r.Id);
            runner.Property(r => r.Id).ValueGeneratedNever();
        });
    }
}
