using MassTransit;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Refunds;
using Marketplace.Platform;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Payments.Escrow;

/// <summary>
/// Records each seller order of a paid group as Ordering's events tell it (once per message, through the inbox), then
/// asks <see cref="EscrowCapture"/> whether the group can be settled. The decision runs after the record commits, so
/// that of two orders accepted at the same moment, the one that commits last sees both. A delivery only starts the
/// order's protection window; the payout run pays it once the window has passed.
/// </summary>
internal sealed class OrderEventsConsumer(PaymentsDbContext db, EscrowCapture escrow, RefundDesk refunds, TimeProvider clock)
    : IConsumer<Batch<OrderPlacedRead>>, IConsumer<Batch<OrderAcceptedRead>>, IConsumer<Batch<OrderCancelledRead>>, IConsumer<Batch<OrderDeliveredRead>>
{
    public Task Consume(ConsumeContext<Batch<OrderPlacedRead>> context) =>
        RecordAsync(context, m => Record(m.OrderId, m.OrderGroupId, m.SellerId, m.Number, m.Total, EscrowOrderStatus.Placed, m.Version, lines: (m.Lines ?? [])
            .Select((l, i) => new EscrowOrderLine { OrderId = m.OrderId, LineNumber = i + 1, OfferId = l.OfferId, CategoryId = l.CategoryId, TotalMinor = MinorUnits.Of(l.LineTotal) })
            .ToList()));

    public Task Consume(ConsumeContext<Batch<OrderAcceptedRead>> context) =>
        RecordAsync(context, m => Record(m.OrderId, m.OrderGroupId, m.SellerId, m.Number, m.Total, EscrowOrderStatus.Accepted, m.Version));

    public async Task Consume(ConsumeContext<Batch<OrderCancelledRead>> context)
    {
        // An order whose payment never went through was never placed: it held no share of the payment.
        await RecordAsync(context, m => m.WasPlaced ? Record(m.OrderId, m.OrderGroupId, m.SellerId, m.Number, m.Total, EscrowOrderStatus.Cancelled, m.Version) : null);

        // Cancelled after its capture took the money (an accepted order the customer or an admin cancelled): refunded in
        // full, under an id derived from the order, so a redelivery refunds nothing more.
        foreach (var orderId in context.Message.Where(m => m.Message.WasPlaced).Select(m => m.Message.OrderId).Distinct())
        {
            await refunds.RefundCancelledAsync(orderId, context.CancellationToken);
        }
    }

    /// <summary>A delivered order was accepted (only an accepted order ships), whatever arrived before.</summary>
    public Task Consume(ConsumeContext<Batch<OrderDeliveredRead>> context) =>
        RecordAsync(context, m => Record(m.OrderId, m.OrderGroupId, m.SellerId, m.Number, m.Total, EscrowOrderStatus.Accepted, m.Version, deliveredAt: m.OccurredAt));

    private sealed record EscrowRecord(EscrowOrder Order, IReadOnlyList<EscrowOrderLine> Lines);

    private EscrowRecord Record(
        Guid orderId, Guid groupId, Guid sellerId, string number, Money total, EscrowOrderStatus status, int version,
        DateTimeOffset? deliveredAt = null, IReadOnlyList<EscrowOrderLine>? lines = null) =>
        new(new EscrowOrder
        {
            OrderId = orderId,
            OrderGroupId = groupId,
            SellerId = sellerId,
            Number = number.Length <= EscrowOrder.MaxNumberLength ? number : number[..EscrowOrder.MaxNumberLength],
            TotalMinor = MinorUnits.Of(total),
            Currency = Currencies.Normalize(total.Currency),
            Status = status,
            Version = version,
            FirstSeenAt = clock.GetUtcNow(),
            // Only the placement states the order as placed: every later event states it accepted or cancelled.
            PlacementSeen = status == EscrowOrderStatus.Placed,
            DeliveredAt = deliveredAt?.ToUniversalTime(),
        }, lines ?? []);

    /// <summary>
    /// Records a batch of one event type (<see cref="BatchedConsumerDefinition{TConsumer}"/>) in one inbox transaction,
    /// then asks once per group of the batch whether it can be settled.
    /// </summary>
    /// <param name="context">The batch.</param>
    /// <param name="recordOf">What a message records, or null when it records nothing.</param>
    private async Task RecordAsync<TMessage>(ConsumeContext<Batch<TMessage>> context, Func<TMessage, EscrowRecord?> recordOf)
        where TMessage : class
    {
        var records = new Dictionary<Guid, EscrowRecord?>();
        foreach (var message in context.Message)
        {
            // A message id twice in one batch is one message; the inbox applies it once.
            records.TryAdd(message.MessageId ?? Guid.Empty, recordOf(message.Message));
        }

        await db.ApplyEachOnceAsync(context.Message, nameof(OrderEventsConsumer), clock,
            (message, ct) => records[message.MessageId!.Value] is { } record ? UpsertAsync(record.Order, record.Lines, ct) : Task.CompletedTask,
            context.CancellationToken);

        // Also for a repeat: a crash between the record and the decision is then made good by the redelivery. Only a group
        // whose payment is authorised can be settled; one query finds those of the whole batch.
        var groups = records.Values.OfType<EscrowRecord>().Select(r => r.Order.OrderGroupId).Distinct().ToList();
        var settleable = await db.Payments.AsNoTracking()
            .Where(p => groups.Contains(p.Reference) && p.Status == PaymentStatus.Authorized)
            .Select(p => p.Reference)
            .ToListAsync(context.CancellationToken);
        foreach (var groupId in settleable)
        {
            await escrow.SettleAsync(groupId, dueNow: false, context.CancellationToken);
        }
    }

    /// <summary>
    /// Creates the order, or moves it to a newer version; one statement, so concurrent events cannot both insert. The
    /// first delivery sticks (a customer's later confirmation does not restart the window), and the placement, which
    /// alone carries the lines, is marked and its lines kept whenever it arrives.
    /// </summary>
    private async Task UpsertAsync(EscrowOrder order, IReadOnlyList<EscrowOrderLine> lines, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
        {
            var s = db.Schema;
            var sql = $$"""
                INSERT INTO {{s}}.escrow_orders AS o (order_id, order_group_id, seller_id, number, total_minor, currency, status, version, first_seen_at, in_capture, delivered_at, placement_seen)
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, false, {9}, {10})
                ON CONFLICT (order_id) DO UPDATE SET
                    status = CASE WHEN o.version < excluded.version THEN excluded.status ELSE o.status END,
                    total_minor = CASE WHEN o.version < excluded.version THEN excluded.total_minor ELSE o.total_minor END,
                    version = GREATEST(o.version, excluded.version),
                    delivered_at = COALESCE(o.delivered_at, excluded.delivered_at),
                    placement_seen = o.placement_seen OR excluded.placement_seen
                WHERE o.version < excluded.version OR (o.delivered_at IS NULL AND excluded.delivered_at IS NOT NULL)
                    OR (NOT o.placement_seen AND excluded.placement_seen)
                """;
            await db.Database.ExecuteSqlRawAsync(
                sql,
                [order.OrderId, order.OrderGroupId, order.SellerId, order.Number, order.TotalMinor, order.Currency, order.Status.ToString(), order.Version, order.FirstSeenAt,
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = order.DeliveredAt.HasValue ? order.DeliveredAt.Value : DBNull.Value }, order.PlacementSeen],
                cancellationToken);
            var insertLine = $$"""
                INSERT INTO {{s}}.escrow_order_lines (order_id, line_number, offer_id, category_id, total_minor)
                VALUES ({0}, {1}, {2}, {3}, {4})
                ON CONFLICT DO NOTHING
                """;
            foreach (var line in lines)
            {
                await db.Database.ExecuteSqlRawAsync(insertLine, [line.OrderId, line.LineNumber, line.OfferId, line.CategoryId, line.TotalMinor], cancellationToken);
            }

            return;
        }

        // SQLite: the inbox's transaction holds the database's one write lock (BEGIN IMMEDIATE), so read-then-write is safe.
        var existing = await db.EscrowOrders.SingleOrDefaultAsync(o => o.OrderId == order.OrderId, cancellationToken);
        if (existing is null)
        {
            db.EscrowOrders.Add(order);
        }
        else
        {
            if (existing.Version < order.Version)
            {
                existing.Status = order.Status;
                existing.Version = order.Version;
                existing.TotalMinor = order.TotalMinor;
            }

            existing.DeliveredAt ??= order.DeliveredAt;
            existing.PlacementSeen |= order.PlacementSeen;
        }

        if (lines.Count > 0 && !await db.EscrowOrderLines.AnyAsync(l => l.OrderId == order.OrderId, cancellationToken))
        {
            db.EscrowOrderLines.AddRange(lines);
        }
    }
}
