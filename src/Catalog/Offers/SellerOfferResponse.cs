namespace Marketplace.Catalog.Offers;

/// <summary>One of the seller's offers.</summary>
/// <param name="OfferId">Offer id.</param>
/// <param name="SkuId">The SKU offered.</param>
/// <param name="SkuCode">The SKU's marketplace code.</param>
/// <param name="ProductId">The product of the SKU.</param>
/// <param name="Price">Price per unit.</param>
/// <param name="Currency">ISO 4217 currency of the price.</param>
/// <param name="Stock">Units available.</param>
/// <param name="DispatchDays">Business days from order to dispatch.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Version">Increases with every change.</param>
public sealed record SellerOfferResponse(
    Guid OfferId, Guid SkuId, string SkuCode, Guid ProductId, decimal Price, string Currency, int Stock, int DispatchDays, DateTimeOffset UpdatedAt, int Version);
