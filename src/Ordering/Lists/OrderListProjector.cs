using MassTransit;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Lists;

/// <summary>
/// Keeps the order lists' read model (<see cref="OrderListEntry"/>) from the order events. Each message is applied once
/// through the inbox; beyond that, a row only ever moves to a newer version, so an event that arrives twice (under
/// another message id) or after a newer one changes nothing. Every event restates what the row needs, so whichever
/// event of an order arrives first creates its row and none has to wait for <see cref="OrderPlaced"/>: nothing is
/// retried or lost on the in-memory transport, which does not redeliver. A cancellation of an order that was never placed
/// creates nothing: payment-failed and abandoned checkouts never show in a list.
/// </summary>
internal sealed class OrderListProjector(OrderingDbContext db, TimeProvider clock)
    : IConsumer<Batch<OrderPlaced>>, IConsumer<Batch<OrderAccepted>>, IConsumer<Batch<OrderShipped>>, IConsumer<Batch<OrderDelivered>>,
      IConsumer<Batch<OrderCancelled>>
{
    public Task Consume(ConsumeContext<Batch<OrderPlaced>> context) => ProjectAsync(context, RowOf);

    public Task Consume(ConsumeContext<Batch<OrderAccepted>> context) => ProjectAsync(context, RowOf);

    public Task Consume(ConsumeContext<Batch<OrderShipped>> context) => ProjectAsync(context, RowOf);

    public Task Consume(ConsumeContext<Batch<OrderDelivered>> context) => ProjectAsync(context, RowOf);

    public Task Consume(ConsumeContext<Batch<OrderCancelled>> context) => ProjectAsync(context, RowOf);

    /// <returns>False when this message had already been applied.</returns>
    internal Task<bool> ProjectAsync(Guid? messageId, OrderPlaced e, CancellationToken cancellationToken) => ApplyAsync(messageId, RowOf(e), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderAccepted e, CancellationToken cancellationToken) => ApplyAsync(messageId, RowOf(e), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderShipped e, CancellationToken cancellationToken) => ApplyAsync(messageId, RowOf(e), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderDelivered e, CancellationToken cancellationToken) => ApplyAsync(messageId, RowOf(e), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderCancelled e, CancellationToken cancellationToken) => ApplyAsync(messageId, RowOf(e), cancellationToken);

    private static OrderListEntry RowOf(OrderPlaced e) =>
        Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Placed, e.Version, e.OccurredAt);

    private static OrderListEntry RowOf(OrderAccepted e) =>
        Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Accepted, e.Version, e.OccurredAt);

    private static OrderListEntry RowOf(OrderShipped e) =>
        Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Shipped, e.Version, e.OccurredAt);

    private static OrderListEntry RowOf(OrderDelivered e) =>
        Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt,
            e.ConfirmedByCustomer ? OrderStatus.Completed : OrderStatus.Delivered, e.Version, e.OccurredAt);

    private static OrderListEntry? RowOf(OrderCancelled e) => e.WasPlaced
        ? Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Cancelled, e.Version, e.OccurredAt)
        : null;

    /// <summary>A batch of one event type, in one inbox transaction (<see cref="BatchedConsumerDefinition{TConsumer}"/>).</summary>
    private Task<int> ProjectAsync<TMessage>(ConsumeContext<Batch<TMessage>> context, Func<TMessage, OrderListEntry?> rowOf)
        where TMessage : class =>
        db.ApplyFreshOnceAsync(context.Message, nameof(OrderListProjector), clock, async (fresh, ct) =>
        {
            var rows = fresh.Select(m => rowOf(m.Message)).OfType<OrderListEntry>().ToList();
            if (rows.Count > 1 && db.IsPostgres)
            {
                await UpsertAsync(rows, ct);
                return;
            }

            foreach (var row in rows)
            {
                await PutAsync(row, ct);
            }
        }, context.CancellationToken);

    /// <summary>
    /// PostgreSQL: a batch's rows in one statement, creating each row or moving it to a newer version. Rows are taken
    /// newest first per order and in order id order, so two batches that touch the same orders lock them in one order.
    /// </summary>
    private Task<int> UpsertAsync(IReadOnlyList<OrderListEntry> rows, CancellationToken cancellationToken)
    {
        var newest = rows.GroupBy(r => r.OrderId).Select(g => g.MaxBy(r => r.Version)!).OrderBy(r => r.OrderId).ToList();
        var sql = $$"""
            INSERT INTO {{db.Schema}}.order_list_entries AS e
                (order_id, number, group_id, seller_id, customer_id, status, version, currency, total, created_at, updated_at)
            SELECT * FROM unnest({0}::uuid[], {1}::text[], {2}::uuid[], {3}::uuid[], {4}::uuid[], {5}::text[], {6}::int[], {7}::text[],
                                 {8}::numeric[], {9}::timestamptz[], {10}::timestamptz[])
            ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, version = excluded.version, updated_at = excluded.updated_at
            WHERE e.version < excluded.version
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [
            newest.Select(r => r.OrderId).ToArray(),
            newest.Select(r => r.Number).ToArray(),
            newest.Select(r => r.GroupId).ToArray(),
            newest.Select(r => r.SellerId).ToArray(),
            newest.Select(r => r.CustomerId).ToArray(),
            newest.Select(r => r.Status.ToString()).ToArray(),
            newest.Select(r => r.Version).ToArray(),
            newest.Select(r => r.Currency).ToArray(),
            newest.Select(r => r.Total).ToArray(),
            newest.Select(r => r.CreatedAt.ToUniversalTime()).ToArray(),
            newest.Select(r => r.UpdatedAt.ToUniversalTime()).ToArray(),
        ], cancellationToken);
    }

    private Task<bool> ApplyAsync(Guid? messageId, OrderListEntry? row, CancellationToken cancellationToken) =>
        db.ApplyOnceAsync(messageId, nameof(OrderListProjector), clock, ct => PutAsync(row, ct), cancellationToken);

    private async Task PutAsync(OrderListEntry? row, CancellationToken cancellationToken)
    {
        if (row is null || await MoveAsync(row, cancellationToken) > 0)
        {
            return;
        }

        if (!await db.OrderList.AnyAsync(e => e.OrderId == row.OrderId, cancellationToken))
        {
            db.OrderList.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException failure) when (ModuleDbContext.IsUniqueViolation(failure))
            {
                // Another event of the same order made the row meanwhile; EF rolled back to its savepoint, so the inbox
                // row (or rows, in a batch) stands.
                db.Entry(row).State = EntityState.Detached;
            }
        }

        // The row exists: already as new as this event, or made by another event of the order after the first update
        // looked (it could not see a row not yet committed). Updating again, now that it can, settles which is newer.
        await MoveAsync(row, cancellationToken);
    }

    /// <summary>The one conditional update: only a row at an older version takes the event's status.</summary>
    private Task<int> MoveAsync(OrderListEntry row, CancellationToken cancellationToken) =>
        db.OrderList
            .Where(e => e.OrderId == row.OrderId && e.Version < row.Version)
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.Status, row.Status)
                .SetProperty(e => e.Version, row.Version)
                .SetProperty(e => e.UpdatedAt, row.UpdatedAt), cancellationToken);

    private static OrderListEntry Row(
        Guid orderId, Guid groupId, string number, Guid sellerId, Guid? customerId, Money total, DateTimeOffset createdAt, OrderStatus status, int version, DateTimeOffset at) =>
        new()
        {
            OrderId = orderId,
            GroupId = groupId,
            Number = number,
            SellerId = sellerId,
            CustomerId = customerId,
            Currency = total.Currency,
            Total = total.Amount,
            CreatedAt = createdAt,
            Status = status,
            Version = version,
            UpdatedAt = at,
        };
}
