using FluentValidation;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Reviews;

/// <summary>A moderation decision.</summary>
/// <param name="Status"><c>Published</c> or <c>Hidden</c>.</param>
public sealed record ModerateReviewRequest(ReviewStatus Status);

internal sealed class ModerateReviewValidator : AbstractValidator<ModerateReviewRequest>
{
    public ModerateReviewValidator() => RuleFor(r => r.Status).IsInEnum();
}

internal static class ModerateReview
{
    public static async Task<Results<Ok<ReviewResponse>, NotFound>> Handle(
        Guid reviewId, ModerateReviewRequest request, CatalogDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var review = await db.Reviews.FirstOrDefaultAsync(r => r.Id == reviewId, cancellationToken);
        if (review is null)
        {
            return TypedResults.NotFound();
        }

        if (review.Status != request.Status)
        {
            var publishing = request.Status == ReviewStatus.Published;
            review.Status = request.Status;
            review.UpdatedAt = clock.GetUtcNow();
            await ProductRatings.SaveReviewAsync(db, review, clock, publishing ? review.Rating : null, publishing ? null : review.Rating, cancellationToken);
        }

        return TypedResults.Ok(ReviewResponse.From(review));
    }
}
