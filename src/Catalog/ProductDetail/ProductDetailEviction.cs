using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Search;
using MassTransit;

namespace Marketplace.Catalog.ProductDetail;

/// <summary>
/// Drops a product's cached detail, its offers' snapshots, and the cached listing pages, when it or one of its offers changes, and the
/// listing pages again when the listing summaries have caught up with the change. Runs on
/// a temporary queue of its own per host instance, because each replica holds its own cache. Eviction is
/// idempotent, so no inbox is needed.
/// </summary>
internal sealed class ProductDetailEviction(ProductDetailCache cache, ListingCache listings, Offers.Lookup.OfferSnapshotCache offers)
    : IConsumer<OfferChanged>, IConsumer<ProductChanged>, IConsumer<ProductListingsRefreshed>
{
    public Task Consume(ConsumeContext<ProductListingsRefreshed> context)
    {
        listings.Invalidate();
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<OfferChanged> context)
    {
        offers.EvictOffer(context.Message.OfferId);
        cache.Evict(context.Message.ProductId);
        listings.Invalidate();
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ProductChanged> context)
    {
        offers.EvictProduct(context.Message.ProductId);
        cache.Evict(context.Message.ProductId);
        listings.Invalidate();
        return Task.CompletedTask;
    }
}
