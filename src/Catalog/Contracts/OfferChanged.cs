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

/// <summary>A product's content (title, description, attributes, SKUs) changed, or the product was created.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="ChangedAt">When the change was committed.</param>
public sealed record ProductChanged(Guid ProductId, DateTimeOffset ChangedAt);
