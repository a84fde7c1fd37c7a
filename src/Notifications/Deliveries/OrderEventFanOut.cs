using MassTransit;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Marketplace.Notifications.Webhooks;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Deliveries;

/// <summary>
/// Turns each order event into one delivery per enabled endpoint of its seller that subscribes to it, in the same
/// transaction as the inbox row: the event is recorded for every endpoint exactly once, or not at all and redelivered.
/// </summary>
internal sealed class OrderEventFanOut(NotificationsDbContext db, DispatchSignal signal, TimeProvider clock)
    : IConsumer<OrderPlaced>, IConsumer<OrderAccepted>, IConsumer<OrderShipped>, IConsumer<OrderDelivered>, IConsumer<OrderCancelled>,
      IConsumer<OrderShipDeadlineMissed>
{
    public Task Consume(ConsumeContext<OrderPlaced> context) =>
        RecordAsync(context, WebhookEventTypes.OrderPlaced, context.Message.SellerId, context.Message.OrderId, context.Message.Version, context.Message.OccurredAt, WebhookPayloads.Data(context.Message));

    public Task Consume(ConsumeContext<OrderAccepted> context) =>
        RecordAsync(context, WebhookEventTypes.OrderAccepted, context.Message.SellerId, context.Message.OrderId, context.Message.Version, context.Message.OccurredAt, WebhookPayloads.Data(context.Message));

    public Task Consume(ConsumeContext<OrderShipped> context) =>
        RecordAsync(context, WebhookEventTypes.OrderShipped, context.Message.SellerId, context.Message.OrderId, context.Message.Version, context.Message.OccurredAt, WebhookPayloads.Data(context.Message));

    public Task Consume(ConsumeContext<OrderDelivered> context) =>
        RecordAsync(context, WebhookEventTypes.OrderDelivered, context.Message.SellerId, context.Message.OrderId, context.Message.Version, context.Message.OccurredAt, WebhookPayloads.Data(context.Message));

    /// <summary>A checkout whose payment never went through was no order the seller saw placed, so it is no cancellation to tell.</summary>
    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        context.Message.WasPlaced
            ? RecordAsync(context, WebhookEventTypes.OrderCancelled, context.Message.SellerId, context.Message.OrderId, context.Message.Version, context.Message.OccurredAt, WebhookPayloads.Data(context.Message))
            : Task.CompletedTask;

    public Task Consume(ConsumeContext<OrderShipDeadlineMissed> context) =>
        RecordAsync(context, WebhookEventTypes.OrderShipDeadlineMissed, context.Message.SellerId, context.Message.OrderId, context.Message.Version, context.Message.OccurredAt, WebhookPayloads.Data(context.Message));

    private async Task RecordAsync(ConsumeContext context, string type, Guid sellerId, Guid orderId, int version, DateTimeOffset occurredAt, object data)
    {
        var recorded = await db.ApplyOnceAsync(context.MessageId, nameof(OrderEventFanOut), clock, async ct =>
        {
            var endpoints = await db.Endpoints.Where(e => e.SellerId == sellerId && e.Enabled).ToListAsync(ct);
            var body = WebhookPayloads.Body(type, occurredAt, data);
            var now = clock.GetUtcNow();
            foreach (var endpoint in endpoints.Where(e => e.IsSubscribedTo(type)))
            {
                db.Deliveries.Add(new WebhookDelivery
                {
                    Id = Guid.CreateVersion7(now),
                    EndpointId = endpoint.Id,
                    SellerId = sellerId,
                    EventId = context.MessageId!.Value,
                    EventType = type,
                    OrderId = orderId,
                    OrderVersion = version,
                    Payload = body,
                    NextAttemptAt = now,
                    RetryingSince = now,
                    CreatedAt = now,
                });
            }
        }, context.CancellationToken);
        if (recorded)
        {
            signal.Wake();
        }
    }
}
