using FluentValidation;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

internal static class ReplaceProductLinks
{
    // SellerApi's group filter has already refused a caller that does not act for sellerId.
    public static async Task<Results<NoContent, NotFound, ValidationProblem>> Handle(
        Guid sellerId, Guid productId, ReplaceLinksRequest request, CatalogDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
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
