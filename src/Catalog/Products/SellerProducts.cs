using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Products;

internal static class SellerProducts
{
    /// <summary>The seller's own product with its SKUs, tracked; another seller's product is as absent as a missing one.</summary>
    public static Task<Product?> FindOwnAsync(CatalogDbContext db, Guid sellerId, Guid productId, CancellationToken cancellationToken) =>
        db.Products.Include(p => p.Skus).FirstOrDefaultAsync(p => p.Id == productId && p.OwnerSellerId == sellerId, cancellationToken);

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The seller has no product with this id.");
}
