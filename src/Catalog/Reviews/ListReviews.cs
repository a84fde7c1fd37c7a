using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Reviews;

internal static class ListReviews
{
    private sealed record Position(DateTimeOffset CreatedAt, Guid Id);

    public static async Task<Results<Ok<Page<ReviewResponse>>, NotFound, ValidationProblem>> Handle(
        Guid productId, PageRequest paging, CatalogDbContext db, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (!paging.TryRead<Position>(options.Value.PageLimits, out var page, out var problem))
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
        return TypedResults.Ok(page.ToPage(rows, r => new Position(r.CreatedAt, r.Id), ReviewResponse.From));
    }
}
