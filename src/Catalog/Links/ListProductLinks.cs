using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Links;

/// <summary>A linked product as a product page lists it.</summary>
/// <param name="ProductId">The linked product.</param>
/// <param name="Kind">How it relates.</param>
/// <param name="Title">Its title.</param>
/// <param name="MinPrice">Its lowest offer price, if any offer exists.</param>
/// <param name="Currency">Currency of the price.</param>
/// <param name="RatingAverage">Average stars.</param>
/// <param name="InStock">Whether any offer has stock.</param>
public sealed record LinkedProductResponse(Guid ProductId, LinkKind Kind, string Title, decimal? MinPrice, string? Currency, double RatingAverage, bool InStock);

internal static class ListProductLinks
{
    public static async Task<Results<Ok<List<LinkedProductResponse>>, NotFound>> Handle(
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
}
