using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Listing;

/// <summary>
/// Recomputes the offer summary that browse and search filter and sort on (lowest price, in stock, offer
/// count) from the offers themselves, so applying it twice, or out of order, gives the same answer.
/// </summary>
internal static class ProductListingSummary
{
    public static Task<int> RefreshAsync(CatalogDbContext db, IReadOnlyCollection<Guid> productIds, CancellationToken cancellationToken) =>
        db.Products
            .Where(p => productIds.Contains(p.Id))
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(
                        p => p.MinPrice,
                        p => db.Offers.Where(o => o.ProductId == p.Id && o.Stock > 0).Min(o => (decimal?)o.Price)
                            ?? db.Offers.Where(o => o.ProductId == p.Id).Min(o => (decimal?)o.Price))
                    .SetProperty(p => p.Currency, p => db.Offers.Where(o => o.ProductId == p.Id).Select(o => o.Currency).FirstOrDefault())
                    .SetProperty(p => p.InStock, p => db.Offers.Any(o => o.ProductId == p.Id && o.Stock > 0))
                    .SetProperty(p => p.OfferCount, p => db.Offers.Count(o => o.ProductId == p.Id)),
                cancellationToken);
}
