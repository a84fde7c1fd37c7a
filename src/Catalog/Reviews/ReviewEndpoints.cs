using FluentValidation;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Security.Claims;

namespace Marketplace.Catalog.Reviews;

/// <summary>A customer's rating of a product.</summary>
/// <param name="Rating">1 to 5 stars.</param>
/// <param name="Text">What the customer says; plain text.</param>
public sealed record ReviewRequest(int Rating, string? Text);

/// <summary>A review as shown on the product page.</summary>
/// <param name="Id">Review id.</param>
/// <param name="ProductId">The product.</param>
/// <param name="Author">The name the review is shown under: a pseudonym such as <c>Customer 3f2a9c</c>, the same for all of one customer's reviews, never an account id.</param>
/// <param name="Rating">1 to 5 stars.</param>
/// <param name="Text">The review text.</param>
/// <param name="Status">Moderation state.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record ReviewResponse(Guid Id, Guid ProductId, string Author, int Rating, string Text, ReviewStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A moderation decision.</summary>
/// <param name="Status"><c>Published</c> or <c>Hidden</c>.</param>
public sealed record ModerateReviewRequest(ReviewStatus Status);

internal sealed class ReviewValidator : AbstractValidator<ReviewRequest>
{
    public ReviewValidator(IOptions<CatalogOptions> options)
    {
        RuleFor(r => r.Rating).InclusiveBetween(1, 5);
        RuleFor(r => r.Text).MaximumLength(options.Value.MaxReviewLength)
            .Must(text => text is null || !text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Control characters are not allowed.");
    }
}

internal sealed class ModerateReviewValidator : AbstractValidator<ModerateReviewRequest>
{
    public ModerateReviewValidator() => RuleFor(r => r.Status).IsInEnum();
}

internal sealed record ReviewPosition(DateTimeOffset CreatedAt, Guid Id);

internal static class ReviewEndpoints
{
    public static RouteGroupBuilder MapReviews(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("/products/{productId:guid}/reviews").WithTags("Reviews");
        reviews.MapGet("/", ListReviews).WithName("ListReviews").WithSummary("Published reviews of a product, newest first (keyset-paginated)");
        reviews.MapPost("/", CreateReview).WithName("CreateReview").WithSummary("Review a product: one review per customer per product")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer).Validate<ReviewRequest>();
        reviews.MapPut("/mine", UpdateMyReview).WithName("UpdateMyReview").WithSummary("Change the caller's own review of a product")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer).Validate<ReviewRequest>();

        var moderation = api.MapGroup("/admin/reviews").WithTags("Reviews").RequireAuthorization(MarketplaceClaims.Policies.Admin);
        moderation.MapPut("/{reviewId:guid}/status", ModerateReview).WithName("ModerateReview")
            .WithSummary("Publish or hide a review (admin); the product's rating follows").Validate<ModerateReviewRequest>();
        return api;
    }

    private static async Task<Results<Ok<Page<ReviewResponse>>, NotFound, ValidationProblem>> ListReviews(
        Guid productId, PageRequest paging, CatalogDbContext db, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!paging.TryRead<ReviewPosition>(options.Value.PageLimits, out var page, out var problem))
        {
            return problem;
        }

        if (!await db.Products.AnyAsync(p => p.Id == productId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var query = db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && r.Status == ReviewStatus.Published);
        if (page.After is { } after)
        {
            query = query.Where(r => r.CreatedAt < after.CreatedAt || (r.CreatedAt == after.CreatedAt && r.Id.CompareTo(after.Id) < 0));
        }

        var rows = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(page.Fetch).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, r => new ReviewPosition(r.CreatedAt, r.Id), ToResponse));
    }

    private static async Task<Results<Created<ReviewResponse>, NotFound, ProblemHttpResult, UnauthorizedHttpResult>> CreateReview(
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
            await SaveWithRatingAsync(db, review, clock, added: review.Rating, removed: null, cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already reviewed", detail: "You have already reviewed this product; change it with PUT .../reviews/mine.");
        }

        return TypedResults.Created($"/api/v1/products/{productId}/reviews/{review.Id}", ToResponse(review));
    }

    private static async Task<Results<Ok<ReviewResponse>, NotFound, UnauthorizedHttpResult>> UpdateMyReview(
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
        await SaveWithRatingAsync(db, review, clock, review.Status == ReviewStatus.Published ? review.Rating : null, review.Status == ReviewStatus.Published ? previous : null, cancellationToken);
        return TypedResults.Ok(ToResponse(review));
    }

    private static async Task<Results<Ok<ReviewResponse>, NotFound>> ModerateReview(
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
            await SaveWithRatingAsync(db, review, clock, publishing ? review.Rating : null, publishing ? null : review.Rating, cancellationToken);
        }

        return TypedResults.Ok(ToResponse(review));
    }

    private static Task SaveWithRatingAsync(CatalogDbContext db, Review review, TimeProvider clock, int? added, int? removed, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Publish(new ProductChanged(review.ProductId, clock.GetUtcNow()), clock);
            await db.SaveChangesAsync(ct);
            await ProductRatings.ApplyAsync(db, review.ProductId, added, removed, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);

    private static ReviewResponse ToResponse(Review r) => new(r.Id, r.ProductId, ReviewAuthor.DisplayName(r.CustomerId), r.Rating, r.Text, r.Status, r.CreatedAt, r.UpdatedAt);
}
