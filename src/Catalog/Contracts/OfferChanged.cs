namespace Marketplace.Catalog.Contracts;

/// <summary>An offer's price or stock changed (or the offer was created). Published through the Catalog's outbox.</summary>
/// <param name="OfferId">The offer.</param>
/// <param name="SkuId">The SKU it sells.</param>
/// <param name="ProductId">The product the SKU belongs to.</param>
/// <param name="SellerId">The seller that owns the offer.</param>
/// <param name="Price">The new price.</param>
/// <param name="Currency">ISO 4217 currency of the price.</param>
/// <param name="Stock">Units available now.</param>
/// <param name="ChangedAt">When the change was committed.</param>
public sealed record OfferChanged(
    Guid OfferId, Guid SkuId, Guid ProductId, Guid SellerId, decimal Price, string Currency, int Stock, DateTimeOffset ChangedAt);

/// <summary>
/// Several offers changed in one write: a batch of a seller's bulk file, or a checkout's reservation. Published instead
/// of one <see cref="OfferChanged"/> per offer, so that a 100,000-row file is a few hundred messages, not 100,000. A
/// write of one offer still publishes <see cref="OfferChanged"/>; consumers take both.
/// </summary>
/// <param name="Offers">Each offer as it is after the write.</param>
public sealed record OffersChanged(IReadOnlyList<OfferChanged> Offers);

/// <summary>A product's content (title, description, attributes, SKUs) changed, or the product was created.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="ChangedAt">When the change was committed.</param>
public sealed record ProductChanged(Guid ProductId, DateTimeOffset ChangedAt);

/// <summary>
/// The listing summaries (lowest price, stock, offer count) of these products were recomputed after their offers
/// changed. Listings read the summaries, so a cached listing page is only current once this arrives.
/// </summary>
/// <param name="ProductIds">The products whose summaries were recomputed.</param>
/// <param name="RefreshedAt">When the recomputation was committed.</param>
/// <param name="NewlyListed">
/// The products among them that had no offer before and are listed now (null from a publisher before this field existed).
/// </param>
public sealed record ProductListingsRefreshed(IReadOnlyList<Guid> ProductIds, DateTimeOffset RefreshedAt, IReadOnlyList<Guid>? NewlyListed = null);

/// <summary>
/// The popularity scores of these products rose (views or orders were written to them). Published, while search runs on
/// Elasticsearch, by the flush that wrote them, so the index's popularity order and relevance follow the database's.
/// </summary>
/// <param name="ProductIds">The products, at most <c>1,000</c> per event.</param>
/// <param name="ChangedAt">When the flush was committed.</param>
public sealed record ProductPopularityChanged(IReadOnlyList<Guid> ProductIds, DateTimeOffset ChangedAt);
