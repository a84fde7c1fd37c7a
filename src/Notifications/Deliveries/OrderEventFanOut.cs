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
/// Events come in batches (<see cref="BatchedConsumerDefinition{TConsumer}"/>): a batch is one transaction, and each
/// seller's endpoints are read once for it.
/// </summary>
internal sealed class OrderEventFanOut(NotificationsDbContext db, DispatchSignal signal, TimeProvider clock)
    : IConsumer<Batch<OrderPlaced>>, IConsumer<Batch<OrderAccepted>>, IConsumer<Batch<OrderShipped>>, IConsumer<Batch<OrderDelivered>>,
      IConsumer<Batch<OrderCancelled>>, IConsumer<Batch<OrderShipDeadlineMissed>>
{
    public Task Consume(ConsumeContext<Batch<OrderPlaced>> context) =>
        RecordAsync(context, m => Event(WebhookEventTypes.OrderPlaced, m.SellerId, m.OrderId, m.Version, m.OccurredAt, WebhookPayloads.Data(m), awaits: null));

    public Task Consume(ConsumeContext<Batch<OrderAccepted>> context) =>
        RecordAsync(context, m => Event(WebhookEventTypes.OrderAccepted, m.SellerId, m.OrderId, m.Version, m.OccurredAt, WebhookPayloads.Data(m), awaits: m.Version - 1));

    public Task Consume(ConsumeContext<Batch<OrderShipped>> context) =>
        RecordAsync(context, m => Event(WebhookEventTypes.OrderShipped, m.SellerId, m.OrderId, m.Version, m.OccurredAt, WebhookPayloads.Data(m), awaits: m.Version - 1));

    public Task Consume(ConsumeContext<Batch<OrderDelivered>> context) =>
        RecordAsync(context, m => Event(WebhookEventTypes.OrderDelivered, m.SellerId, m.OrderId, m.Version, m.OccurredAt, WebhookPayloads.Data(m), awaits: m.Version - 1));

    /// <summary>A checkout whose payment never went through was no order the seller saw placed, so it is no cancellation to tell.</summary>
    public Task Consume(ConsumeContext<Batch<OrderCancelled>> context) =>
        RecordAsync(context, m => m.WasPlaced
            ? Event(WebhookEventTypes.OrderCancelled, m.SellerId, m.OrderId, m.Version, m.OccurredAt, WebhookPayloads.Data(m), awaits: m.Version - 1)
            : null);

    /// <summary>The flag moves no version: it waits for the event that made the order the version it states.</summary>
    public Task Consume(ConsumeContext<Batch<OrderShipDeadlineMissed>> context) =>
        RecordAsync(context, m => Event(WebhookEventTypes.OrderShipDeadlineMissed, m.SellerId, m.OrderId, m.Version, m.OccurredAt, WebhookPayloads.Data(m), awaits: m.Version));

    private sealed record OrderEvent(string Type, Guid SellerId, Guid OrderId, int Version, DateTimeOffset OccurredAt, object Data, int? Awaits);

    /// <summary>
    /// What an event tells the endpoints. <c>awaits</c> is the version whose event must be recorded first: for a move, the
    /// one before (every move of an order is one event); null for the first.
    /// </summary>
    private static OrderEvent Event(string type, Guid sellerId, Guid orderId, int version, DateTimeOffset occurredAt, object data, int? awaits) =>
        new(type, sellerId, orderId, version, occurredAt, data, awaits);

    /// <param name="context">The batch.</param>
    /// <param name="describe">What a message tells the seller's endpoints, or null when it tells them nothing.</param>
    private async Task RecordAsync<TMessage>(ConsumeContext<Batch<TMessage>> context, Func<TMessage, OrderEvent?> describe)
        where TMessage : class
    {
        var recorded = await db.ApplyFreshOnceAsync(context.Message, nameof(OrderEventFanOut), clock, async (fresh, ct) =>
        {
            var events = fresh.Select(m => (m.MessageId!.Value, Event: describe(m.Message))).Where(m => m.Event is not null).ToList();
            var sellers = events.Select(m => m.Event!.SellerId).Distinct().ToList();
            var endpoints = (await db.Endpoints.Where(x => sellers.Contains(x.SellerId) && x.Enabled).ToListAsync(ct)).ToLookup(x => x.SellerId);
            var now = clock.GetUtcNow();
            await MarkAsync(events.Select(m => m.Event!), now, ct);
            foreach (var (eventId, e) in events)
            {
                var body = WebhookPayloads.Body(e!.Type, e.OccurredAt, e.Data);
                foreach (var endpoint in endpoints[e.SellerId].Where(x => x.IsSubscribedTo(e.Type)))
                {
                    db.Deliveries.Add(new WebhookDelivery
                    {
                        Id = Guid.CreateVersion7(now),
                        EndpointId = endpoint.Id,
                        SellerId = e.SellerId,
                        EventId = eventId,
                        EventType = e.Type,
                        OrderId = e.OrderId,
                        OrderVersion = e.Version,
                        AwaitsVersion = e.Awaits,
                        Payload = body,
                        NextAttemptAt = now,
                        RetryingSince = now,
                        CreatedAt = now,
                    });
                }
            }
        }, context.CancellationToken);
        if (recorded > 0)
        {
            signal.Wake();
        }
    }

    /// <summary>
    /// Marks the events' versions as recorded, whether or not an endpoint takes them, so that deliveries of the next ones
    /// may go. A flag repeats the version of the move it flags, and a redelivered event its own: a mark already there stands.
    /// </summary>
    private async Task MarkAsync(IEnumerable<OrderEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marks = events.Select(e => (e.OrderId, e.Version)).Distinct().OrderBy(m => m.OrderId).ThenBy(m => m.Version).ToList();
        if (marks.Count == 0)
        {
            return;
        }

        var at = now.ToUnixTimeMilliseconds();
        if (!db.IsPostgres)
        {
            // SQLite: the inbox's transaction holds the one write lock, so looking first cannot race another writer.
            var orderIds = marks.Select(m => m.OrderId).Distinct().ToList();
            var existing = (await db.OrderEventMarks.Where(m => orderIds.Contains(m.OrderId)).Select(m => new { m.OrderId, m.Version }).ToListAsync(cancellationToken))
                .Select(m => (m.OrderId, m.Version))
                .ToHashSet();
            db.OrderEventMarks.AddRange(marks.Where(m => !existing.Contains(m)).Select(m => new OrderEventMark { OrderId = m.OrderId, Version = m.Version, RecordedAtUnixMs = at }));
            return;
        }

        var rows = string.Join(", ", marks.Select((_, i) => "({" + (3 * i) + "}, {" + (3 * i + 1) + "}, {" + (3 * i + 2) + "})"));
        var sql = $"INSERT INTO {db.Schema}.order_event_marks (order_id, version, recorded_at_unix_ms) VALUES {rows} ON CONFLICT DO NOTHING";
        await db.Database.ExecuteSqlRawAsync(sql, marks.SelectMany(m => new object[] { m.OrderId, m.Version, at }), cancellationToken);
    }
}
