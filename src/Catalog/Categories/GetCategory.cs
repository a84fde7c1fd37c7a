using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Categories;

internal static class GetCategory
{
    public static async Task<Results<Ok<CategoryResponse>, NotFound>> Handle(Guid categoryId, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var category = await db.Categories.AsNoTracking().Include(c => c.Attributes).FirstOrDefaultAsync(c => c.Id == categoryId, cancellationToken);
        return category is null ? TypedResults.NotFound() : TypedResults.Ok(CategoryResponse.From(category));
    }
}
