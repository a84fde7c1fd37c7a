using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Sellers;

/// <summary>
/// Keeps the seller's on-time dispatch rate from Ordering's performance events, so offers show it with the seller; a
/// computation older than the one held changes nothing. Product pages show it once their cached copy is next rendered.
/// </summary>
internal sealed class SellerPerformanceConsumer(CatalogDbContext db, TimeProvider clock) : IConsumer<SellerPerformanceChanged>
{
    public Task Consume(ConsumeContext<SellerPerformanceChanged> context) =>
        db.ApplyOnceAsync(context.MessageId, nameof(SellerPerformanceConsumer), clock, async ct =>
        {
            var message = context.Message;
            var seller = await db.Sellers.FirstOrDefaultAsync(s => s.Id == message.SellerId, ct);
            if (seller is null || seller.PerformanceComputedAt >= message.ComputedAt)
            {
                // A seller Catalog has not learned of yet has no offers to show it on; the next change reaches it.
                return;
            }

            seller.OnTimeDispatchRate = message.OnTimeDispatchRate is { } rate ? (double)rate : null;
            seller.PerformanceComputedAt = message.ComputedAt;
        }, context.CancellationToken);
}
