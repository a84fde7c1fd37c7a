using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Search;
using MassTransit;

namespace Marketplace.Catalog.ProductDetail;

/// <summary>
/// Drops what this replica holds of a product when it or one of its offers changes: its cached detail, its offers'
/// snapshots, and the offer state its listing pages show. A product change also drops every cached listing page (its
/// title, brand or category may move it between pages); an offer change does not, because pages take prices and stock
/// from <see cref="ListingLiveState"/> as they are served; only products joining the listings make pages render again.
/// Runs on a temporary queue of its own per host instance, because
/// each replica holds its own cache. Eviction is idempotent, so no inbox is needed.
/// </summary>
internal sealed class ProductDetailEviction(ProductDetailCache cache, ListingCache listings, ListingLiveState live, Offers.Lookup.OfferSnapshotCache offers)
    : IConsumer<OfferChanged>, IConsumer<OffersChanged>, IConsumer<ProductChanged>, IConsumer<ProductListingsRefreshed>
{
    public Task Consume(ConsumeContext<OffersChanged> context)
    {
        foreach (var offer in context.Message.Offers)
        {
            Evict(offer);
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ProductListingsRefreshed> context)
    {
        // A message from before NewlyListed existed cannot say, so it counts as listing something.
        if (context.Message.NewlyListed is not { Count: 0 })
        {
            listings.MembershipChanged();
        }

        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<OfferChanged> context)
    {
        Evict(context.Message);
        return Task.CompletedTask;
    }

    private void Evict(OfferChanged change)
    {
        offers.EvictOffer(change.OfferId);
        cache.Evict(change.ProductId);
        live.Evict(change.ProductId);
    }

    public Task Consume(ConsumeContext<ProductChanged> context)
    {
        offers.EvictProduct(context.Message.ProductId);
        cache.Evict(context.Message.ProductId);
        live.Evict(context.Message.ProductId);
        listings.Invalidate();
        return Task.CompletedTask;
    }
}
