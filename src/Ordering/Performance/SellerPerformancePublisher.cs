using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Performance;

/// <summary>
/// Recomputes a seller's performance after each event that changes it (an order shipped, cancelled after placement, or
/// flagged for a missed ship-by) and publishes it as <see cref="SellerPerformanceChanged"/> through the outbox, in the
/// consumer's own inbox transaction: Catalog keeps the on-time dispatch rate with the seller. Off the path of the move
/// itself, so a ship or a reject costs the seller no aggregate.
/// </summary>
internal sealed class SellerPerformancePublisher(OrderingDbContext db, IOptionsMonitor<FulfilmentRules> rules, TimeProvider clock)
    : IConsumer<OrderShipped>, IConsumer<OrderCancelled>, IConsumer<OrderShipDeadlineMissed>
{
    public Task Consume(ConsumeContext<OrderShipped> context) => PublishAsync(context, context.Message.SellerId);

    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        context.Message.WasPlaced ? PublishAsync(context, context.Message.SellerId) : Task.CompletedTask;

    public Task Consume(ConsumeContext<OrderShipDeadlineMissed> context) => PublishAsync(context, context.Message.SellerId);

    private Task<bool> PublishAsync(ConsumeContext context, Guid sellerId) =>
        db.ApplyOnceAsync(context.MessageId, nameof(SellerPerformancePublisher), clock, async ct =>
        {
            var performance = await SellerPerformance.OfAsync(db, sellerId, rules.CurrentValue.PerformanceWindow, clock.GetUtcNow(), ct);
            db.Publish(performance.ToEvent(), clock);
        }, context.CancellationToken);
}
