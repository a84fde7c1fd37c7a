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

    /// <summary>The version an <c>If-Match</c> header names: <c>"3"</c>, <c>W/"3"</c> or <c>3</c>; null when absent or unreadable.</summary>
    public static int? IfMatchVersion(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return int.TryParse(value.Trim('"'), out var version) ? version : null;
    }
}
