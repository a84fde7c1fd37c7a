using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Brands;

internal static class ListBrands
{
    public static async Task<Ok<List<BrandResponse>>> Handle(CatalogDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Brands.AsNoTracking().OrderBy(b => b.Name).Select(b => new BrandResponse(b.Id, b.Name, b.Slug)).ToListAsync(cancellationToken));
}
