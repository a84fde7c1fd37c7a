using Marketplace.Catalog.Persistence;
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

        if (SellerProducts.IfMatchVersion(http.Request) is not { } expected)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "Precondition required",
                detail: "Send the product's ETag in If-Match, so that a concurrent change is not overwritten.");
        }

        if (expected != product.Version)
        {
            return PreconditionFailed(product.Version);
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
            return PreconditionFailed(null);
        }

        http.Response.Headers.ETag = ProductEditor.ETag(product);
        return TypedResults.Ok(ProductEditor.ToResponse(product));
    }

    private static ProblemHttpResult PreconditionFailed(int? current) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "Precondition failed",
            detail: current is null
                ? "The product changed while this update was applied; read it again and retry."
                : $"The product is at version {current}; read it again and retry.");
}
