using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Reviews;

/// <summary>
/// Keeps a product's aggregate rating in step with its published reviews. Each change is one UPDATE that reads
/// and writes the row under its own lock, so concurrent reviews of one product never lose each other.
/// </summary>
internal static class ProductRatings
{
    // added: a published rating that now counts; removed: one that no longer does (either may be null).
    public static Task ApplyAsync(CatalogDbContext db, Guid productId, int? added, int? removed, CancellationToken cancellationToken)
    {
        var countDelta = (added is null ? 0 : 1) - (removed is null ? 0 : 1);
        double sumDelta = (added ?? 0) - (removed ?? 0);
        if (countDelta == 0 && sumDelta == 0)
        {
            return Task.CompletedTask;
        }

        return db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(
            set => set
                .SetProperty(
                    p => p.RatingAverage,
                    p => p.RatingCount + countDelta <= 0 ? 0 : ((p.RatingAverage * p.RatingCount) + sumDelta) / (p.RatingCount + countDelta))
                .SetProperty(p => p.RatingCount, p => p.RatingCount + countDelta <= 0 ? 0 : p.RatingCount + countDelta),
            cancellationToken);
    }
}
