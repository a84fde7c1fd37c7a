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
    : IConsumer<Batch<OrderShipped>>, IConsumer<Batch<OrderCancelled>>, IConsumer<Batch<OrderShipDeadlineMissed>>
{
    public Task Consume(ConsumeContext<Batch<OrderShipped>> context) => PublishAsync(context, m => m.SellerId);

    public Task Consume(ConsumeContext<Batch<OrderCancelled>> context) => PublishAsync(context, m => m.WasPlaced ? m.SellerId : null);

    public Task Consume(ConsumeContext<Batch<OrderShipDeadlineMissed>> context) => PublishAsync(context, m => m.SellerId);

    /// <summary>
    /// One recount per seller of the batch's new messages: the events only say that something changed, and the count
    /// reads the orders as they are now, so a seller whose hundred orders missed their ship-by at once is counted once.
    /// </summary>
    private Task<int> PublishAsync<TMessage>(ConsumeContext<Batch<TMessage>> context, Func<TMessage, Guid?> sellerOf)
        where TMessage : class =>
        db.ApplyFreshOnceAsync(context.Message, nameof(SellerPerformancePublisher), clock, async (fresh, ct) =>
        {
            foreach (var sellerId in fresh.Select(m => sellerOf(m.Message)).OfType<Guid>().Distinct())
            {
                var performance = await SellerPerformance.OfAsync(db, sellerId, rules.CurrentValue.PerformanceWindow, clock.GetUtcNow(), ct);
                db.Publish(performance.ToEvent(), clock);
            }
        }, context.CancellationToken);
}
