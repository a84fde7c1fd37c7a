using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Offers.Lookup;

/// <summary>Live offers with their SKU, product and category ancestry, in one query for any number of ids.</summary>
internal sealed class OfferLookup(CatalogDbContext db, OfferSnapshotCache cache) : IOfferLookup
{
    public async Task<IReadOnlyDictionary<Guid, OfferSnapshot>> FindAsync(IReadOnlyCollection<Guid> offerIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, OfferSnapshot>();
        var missing = new List<Guid>();
        foreach (var id in offerIds.Distinct())
        {
            if (cache.Enabled && cache.TryGet(id, out var cached))
            {
                found[id] = cached;
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return found;
        }

        var token = cache.BeginRead();
        var read = await ReadAsync(missing, cancellationToken);
        if (cache.Enabled)
        {
            cache.Keep(read.Values, token);
        }

        foreach (var (id, snapshot) in read)
        {
            found[id] = snapshot;
        }

        return found;
    }

    private async Task<Dictionary<Guid, OfferSnapshot>> ReadAsync(List<Guid> ids, CancellationToken cancellationToken)
    {
        // A category's path extends its own and each ancestor's path, so the categories whose path the product's starts
        // with are its category and the ancestors: one row per offer and such category (a join SQLite can run too,
        // unlike a correlated collection).
        var rows = await (
            from offer in db.Offers.AsNoTracking()
            where ids.Contains(offer.Id)
            join sku in db.Skus on offer.SkuId equals sku.Id
            join product in db.Products on offer.ProductId equals product.Id
            from category in db.Categories
            where product.CategoryPath.StartsWith(category.Path)
            select new
            {
                offer.Id, offer.SellerId, offer.SkuId, sku.Code, offer.ProductId, product.Title, product.CategoryId, product.BrandId,
                offer.Price, offer.Currency, offer.Stock, offer.DispatchDays,
                sku.WeightGrams, sku.LengthMm, sku.WidthMm, sku.HeightMm,
                PathCategoryId = category.Id,
                category.Depth,
            }).ToListAsync(cancellationToken);

        return rows.GroupBy(r => r.Id).ToDictionary(
            g => g.Key,
            g =>
            {
                var r = g.First();
                var ancestors = g.Where(a => a.PathCategoryId != a.CategoryId).OrderBy(a => a.Depth).Select(a => a.PathCategoryId).ToList();
                return new OfferSnapshot(
                    r.Id, r.SellerId, r.SkuId, r.Code, r.ProductId, r.Title, r.CategoryId, ancestors, r.BrandId,
                    Money.Of(r.Price, r.Currency), r.Stock, Active: true, r.DispatchDays,
                    new SkuDimensions(r.WeightGrams, r.LengthMm, r.WidthMm, r.HeightMm));
            });
    }
}
