using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Offers;

internal static class SellerOffers
{
    /// <summary>The seller's offers as the seller API shows them, in id (creation) order.</summary>
    public static IQueryable<SellerOfferResponse> Query(CatalogDbContext db, Guid sellerId, Guid? skuId = null, Guid? after = null) =>
        from offer in db.Offers.AsNoTracking()
        join sku in db.Skus on offer.SkuId equals sku.Id
        where offer.SellerId == sellerId && (skuId == null || offer.SkuId == skuId) && (after == null || offer.Id > after)
        orderby offer.Id
        select new SellerOfferResponse(
            offer.Id, offer.SkuId, sku.Code, offer.ProductId, offer.Price, offer.Currency, offer.Stock, offer.DispatchDays, offer.UpdatedAt, offer.Version);
}
