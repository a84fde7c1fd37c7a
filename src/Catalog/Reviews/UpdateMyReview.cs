using System.Security.Claims;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Reviews;

internal static class UpdateMyReview
{
    public static async Task<Results<Ok<ReviewResponse>, NotFound, UnauthorizedHttpResult>> Handle(
        Guid productId, ReviewRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.UserId() is not { } customerId)
        {
            return TypedResults.Unauthorized();
        }

        var review = await db.Reviews.FirstOrDefaultAsync(r => r.ProductId == productId && r.CustomerId == customerId, cancellationToken);
        if (review is null)
        {
            return TypedResults.NotFound();
        }

        var previous = review.Rating;
        review.Rating = request.Rating;
        review.Text = request.Text?.Trim() ?? "";
        review.UpdatedAt = clock.GetUtcNow();
        await ProductRatings.SaveReviewAsync(db, review, clock, review.Status == ReviewStatus.Published ? review.Rating : null, review.Status == ReviewStatus.Published ? previous : null, cancellationToken);
        return TypedResults.Ok(ReviewResponse.From(review));
    }
}
