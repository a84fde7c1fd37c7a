using MassTransit;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Identity.Contracts;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Sellers;

/// <summary>Learns of new sellers from Identity, so offers can show the seller's name and the buy box its rating.</summary>
internal sealed class SellerRegisteredConsumer(CatalogDbContext db, TimeProvider clock) : IConsumer<SellerRegistered>
{
    public Task Consume(ConsumeContext<SellerRegistered> context) =>
        db.ApplyOnceAsync(context.MessageId, nameof(SellerRegisteredConsumer), clock, async ct =>
        {
            var message = context.Message;
            var existing = await db.Sellers.FirstOrDefaultAsync(s => s.Id == message.SellerId, ct);
            if (existing is null)
            {
                db.Sellers.Add(new SellerProfile { Id = message.SellerId, Name = message.Name });
            }
            else
            {
                existing.Name = message.Name;
            }
        }, context.CancellationToken);
}
