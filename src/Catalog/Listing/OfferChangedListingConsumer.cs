using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Messaging;

namespace Marketplace.Catalog.Listing;

/// <summary>
/// Keeps a product's listing summary (lowest price, in stock, offer count) current when one of its offers changes.
/// One competing consumer per deployment: replicas share the queue, and the inbox makes a redelivery a no-op.
/// </summary>
internal sealed class OfferChangedListingConsumer(CatalogDbContext db, TimeProvider clock) : IConsumer<OfferChanged>
{
    public const string Name = "catalog-listing-summary";

    public Task Consume(ConsumeContext<OfferChanged> context) =>
        db.ApplyOnceAsync(
            context.MessageId,
            Name,
            clock,
            cancellationToken => ProductListingSummary.RefreshAsync(db, [context.Message.ProductId], cancellationToken),
            context.CancellationToken);
}
