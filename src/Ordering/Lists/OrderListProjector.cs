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
    : IConsumer<OrderPlaced>, IConsumer<OrderAccepted>, IConsumer<OrderShipped>, IConsumer<OrderDelivered>, IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderPlaced> context) => ProjectAsync(context.MessageId, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<OrderAccepted> context) => ProjectAsync(context.MessageId, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<OrderShipped> context) => ProjectAsync(context.MessageId, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<OrderDelivered> context) => ProjectAsync(context.MessageId, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<OrderCancelled> context) => ProjectAsync(context.MessageId, context.Message, context.CancellationToken);

    /// <returns>False when this message had already been applied.</returns>
    internal Task<bool> ProjectAsync(Guid? messageId, OrderPlaced e, CancellationToken cancellationToken) =>
        ApplyAsync(messageId, Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Placed, e.Version, e.OccurredAt), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderAccepted e, CancellationToken cancellationToken) =>
        ApplyAsync(messageId, Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Accepted, e.Version, e.OccurredAt), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderShipped e, CancellationToken cancellationToken) =>
        ApplyAsync(messageId, Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Shipped, e.Version, e.OccurredAt), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderDelivered e, CancellationToken cancellationToken) =>
        ApplyAsync(messageId, Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt,
            e.ConfirmedByCustomer ? OrderStatus.Completed : OrderStatus.Delivered, e.Version, e.OccurredAt), cancellationToken);

    internal Task<bool> ProjectAsync(Guid? messageId, OrderCancelled e, CancellationToken cancellationToken) =>
        ApplyAsync(messageId, e.WasPlaced
            ? Row(e.OrderId, e.OrderGroupId, e.Number, e.SellerId, e.CustomerId, e.Total, e.CreatedAt, OrderStatus.Cancelled, e.Version, e.OccurredAt)
            : null, cancellationToken);

    private Task<bool> ApplyAsync(Guid? messageId, OrderListEntry? row, CancellationToken cancellationToken) =>
        db.ApplyOnceAsync(messageId, nameof(OrderListProjector), clock, async ct =>
        {
            if (row is null || await MoveAsync(row, ct) > 0)
            {
                return;
            }

            if (!await db.OrderList.AnyAsync(e => e.OrderId == row.OrderId, ct))
            {
                db.OrderList.Add(row);
                try
                {
                    await db.SaveChangesAsync(ct);
                    return;
                }
                catch (DbUpdateException failure) when (ModuleDbContext.IsUniqueViolation(failure))
                {
                    // Another event of the same order made the row meanwhile; EF rolled back to its savepoint, so the
                    // inbox row stands.
                    db.Entry(row).State = EntityState.Detached;
                }
            }

            // The row exists: already as new as this event, or made by another event of the order after the first update
            // looked (it could not see a row not yet committed). Updating again, now that it can, settles which is newer.
            await MoveAsync(row, ct);
        }, cancellationToken);

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
