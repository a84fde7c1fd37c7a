using System.Security.Claims;
using FluentValidation;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Links;

/// <summary>One cross-link from a product.</summary>
/// <param name="ProductId">The linked product.</param>
/// <param name="Kind">How it relates: related, accessory, substitute or comparable.</param>
public sealed record ProductLinkDto(Guid ProductId, LinkKind Kind);

/// <summary>The whole set of a product's cross-links; it replaces the current set.</summary>
/// <param name="Links">The links; an empty list removes them all.</param>
public sealed record ReplaceLinksRequest(IReadOnlyList<ProductLinkDto> Links);

/// <summary>A linked product as a product page lists it.</summary>
/// <param name="ProductId">The linked product.</param>
/// <param name="Kind">How it relates.</param>
/// <param name="Title">Its title.</param>
/// <param name="MinPrice">Its lowest offer price, if any offer exists.</param>
/// <param name="Currency">Currency of the price.</param>
/// <param name="RatingAverage">Average stars.</param>
/// <param name="InStock">Whether any offer has stock.</param>
public sealed record LinkedProductResponse(Guid ProductId, LinkKind Kind, string Title, decimal? MinPrice, string? Currency, double RatingAverage, bool InStock);

internal sealed class ReplaceLinksValidator : AbstractValidator<ReplaceLinksRequest>
{
    public ReplaceLinksValidator(IOptions<CatalogOptions> options)
    {
        RuleFor(r => r.Links).NotNull();
        RuleFor(r => r.Links.Count).LessThanOrEqualTo(options.Value.MaxLinksPerProduct).When(r => r.Links is not null).OverridePropertyName("links");
        RuleForEach(r => r.Links).NotNull().WithMessage("A link must not be null.").ChildRules(link =>
        {
            link.RuleFor(l => l.ProductId).NotEmpty();
            link.RuleFor(l => l.Kind).IsInEnum();
        });
        RuleFor(r => r.Links).Must(l => l is null || l.Distinct().Count() == l.Count).WithMessage("A link appears twice.");
    }
}

internal static class LinkEndpoints
{
    public static RouteGroupBuilder MapLinks(this RouteGroupBuilder api)
    {
        api.MapGet("/products/{productId:guid}/links", ListLinks).WithTags("Cross-links").WithName("ListProductLinks")
            .WithSummary("Products linked to this one (related, accessories, substitutes, comparable), optionally of one kind");
        api.MapPut("/sellers/{sellerId:guid}/products/{productId:guid}/links", ReplaceLinks).WithTags("Cross-links").WithName("ReplaceProductLinks")
            .WithSummary("Replace the cross-links of a product the seller owns")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller).Validate<ReplaceLinksRequest>();
        return api;
    }

    private static async Task<Results<Ok<List<LinkedProductResponse>>, NotFound>> ListLinks(
        Guid productId, LinkKind? kind, CatalogDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var links = db.ProductLinks.AsNoTracking().Where(l => l.ProductId == productId);
        if (kind is not null)
        {
            links = links.Where(l => l.Kind == kind);
        }

        var rows = await links
            .Join(db.Products, l => l.LinkedProductId, p => p.Id, (l, p) => new LinkedProductResponse(p.Id, l.Kind, p.Title, p.MinPrice, p.Currency, p.RatingAverage, p.InStock))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderBy(r => r.Kind).ThenBy(r => r.Title, StringComparer.Ordinal).ToList());
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult, ValidationProblem>> ReplaceLinks(
        Guid sellerId, Guid productId, ReplaceLinksRequest request, ClaimsPrincipal user, CatalogDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!user.ActsFor(sellerId))
        {
            return TypedResults.Forbid();
        }

        if (!await db.Products.AnyAsync(p => p.Id == productId && p.OwnerSellerId == sellerId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var targets = request.Links.Select(l => l.ProductId).Distinct().ToList();
        if (targets.Contains(productId))
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("links", "A product cannot link to itself."));
        }

        var known = await db.Products.Where(p => targets.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        var unknown = targets.Except(known).ToList();
        if (unknown.Count > 0)
        {
            var index = request.Links.ToList().FindIndex(l => l.ProductId == unknown[0]);
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError($"links[{index}].productId", "No product has this id."));
        }

        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.ProductLinks.Where(l => l.ProductId == productId).ExecuteDeleteAsync(ct);
            db.ProductLinks.AddRange(request.Links.Select(l => new ProductLink { ProductId = productId, LinkedProductId = l.ProductId, Kind = l.Kind }));
            db.Publish(new ProductChanged(productId, clock.GetUtcNow()), clock);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        return TypedResults.NoContent();
    }
}
