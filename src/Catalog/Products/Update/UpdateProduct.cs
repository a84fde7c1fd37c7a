using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Products.Update;

internal static class UpdateProduct
{
    public static async Task<Results<Ok<SellerProductResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid sellerId, Guid productId, UpdateProductRequest request, CatalogDbContext db, ProductEditor editor, HttpContext http,
        CancellationToken cancellationToken)
    {
        var product = await SellerProducts.FindOwnAsync(db, sellerId, productId, cancellationToken);
        if (product is null)
        {
            return SellerProducts.NotFound();
        }

        if (!Preconditions.TryReadIfMatch(http.Request, out var ifMatch, out var refusal))
        {
            return refusal;
        }

        if (!ifMatch.Matches(product.Version))
        {
            return Preconditions.Failed(product.Version);
        }

        var errors = await editor.ApplyContentAsync(product, request, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        editor.Touch(product);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Failed(null);
        }

        ETag.Set(http.Response, product.Version);
        return TypedResults.Ok(ProductEditor.ToResponse(product));
    }
}
