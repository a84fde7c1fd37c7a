using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Marketplace.Catalog.Reviews;

/// <summary>
/// Keeps a product's aggregate rating in step with its published reviews. Each change is one UPDATE that reads
/// and writes the row under its own lock, so concurrent reviews of one product never lose each other.
/// </summary>
internal static class ProductRatings
{
    /// <summary>
    /// Saves a review's change, announces the product's change and moves its rating, in one transaction, so a rating
    /// never counts a review that was not saved.
    /// </summary>
    public static Task SaveReviewAsync(CatalogDbContext db, Review review, TimeProvider clock, int? added, int? removed, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Publish(new ProductChanged(review.ProductId, clock.GetUtcNow()), clock);
            await db.SaveChangesAsync(ct);
            await ApplyAsync(db, review.ProductId, added, removed, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);

    // added: a published rating that now counts; removed: one that no longer does (either may be null).
    private static Task ApplyAsync(CatalogDbContext db, Guid productId, int? added, int? removed, CancellationToken cancellationToken)
    {
        var countDelta = (added is null ? 0 : 1) - (removed is null ? 0 : 1);
        double sumDelta = (added ?? 0) - (removed ?? 0);
        if (countDelta == 0 && sumDelta == 0)
        {
            return Task.CompletedTask;
        }

        return db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(
            set =>
            {
                set.SetProperty(
                        p => p.RatingAverage,
                        p => p.RatingCount + countDelta <= 0 ? 0 : ((p.RatingAverage * p.RatingCount) + sumDelta) / (p.RatingCount + countDelta))
                    .SetProperty(p => p.RatingCount, p => p.RatingCount + countDelta <= 0 ? 0 : p.RatingCount + countDelta);
                if (added != removed)
                {
                    MoveStar(set, added, +1);
                    MoveStar(set, removed, -1);
                }
            },
            cancellationToken);
    }

    /// <summary>Adds <paramref name="delta"/> to the count of <paramref name="stars"/>-star reviews (none when null), never below zero.</summary>
    private static void MoveStar(UpdateSettersBuilder<Product> set, int? stars, int delta)
    {
        _ = stars switch
        {
            1 => set.SetProperty(p => p.RatingStars1, p => p.RatingStars1 + delta < 0 ? 0 : p.RatingStars1 + delta),
            2 => set.SetProperty(p => p.RatingStars2, p => p.RatingStars2 + delta < 0 ? 0 : p.RatingStars2 + delta),
            3 => set.SetProperty(p => p.RatingStars3, p => p.RatingStars3 + delta < 0 ? 0 : p.RatingStars3 + delta),
            4 => set.SetProperty(p => p.RatingStars4, p => p.RatingStars4 + delta < 0 ? 0 : p.RatingStars4 + delta),
            5 => set.SetProperty(p => p.RatingStars5, p => p.RatingStars5 + delta < 0 ? 0 : p.RatingStars5 + delta),
            _ => set,
        };
    }
}
