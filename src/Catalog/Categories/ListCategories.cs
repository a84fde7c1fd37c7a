using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Categories;

internal static class ListCategories
{
    public static async Task<Ok<List<CategoryResponse>>> Handle(CatalogDbContext db, CancellationToken cancellationToken)
    {
        var all = await db.Categories.AsNoTracking().Include(c => c.Attributes).OrderBy(c => c.Path).ToListAsync(cancellationToken);
        return TypedResults.Ok(all.Select(CategoryResponse.From).ToList());
    }
}
