using System.Security.Claims;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Reviews;

internal static class CreateReview
{
    public static async Task<Results<Created<ReviewResponse>, NotFound, ProblemHttpResult, UnauthorizedHttpResult>> Handle(
        Guid productId, ReviewRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.UserId() is not { } customerId)
        {
            return TypedResults.Unauthorized();
        }

        if (!await db.Products.AnyAsync(p => p.Id == productId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var now = clock.GetUtcNow();
        var review = new Review
        {
            Id = Guid.CreateVersion7(now),
            ProductId = productId,
            CustomerId = customerId,
            Rating = request.Rating,
            Text = request.Text?.Trim() ?? "",
            Status = ReviewStatus.Published,
            CreatedAt = now,
            UpdatedAt = now,
        };

        db.Reviews.Add(review);
        try
        {
            await ProductRatings.SaveReviewAsync(db, review, clock, added: review.Rating, removed: null, cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already reviewed", detail: "You have already reviewed this product; change it with PUT .../reviews/mine.");
        }

        return TypedResults.Created($"/api/v1/products/{productId}/reviews/{review.Id}", ReviewResponse.From(review));
    }
}
