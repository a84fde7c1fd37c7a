using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Products.Skus;

/// <summary>Adds a SKU to the seller's product, or changes one; either bumps the product's version.</summary>
internal static class SaveSku
{
    public static async Task<Results<Created<SkuResponse>, ValidationProblem, ProblemHttpResult>> Add(
        Guid sellerId, Guid productId, SkuRequest request, CatalogDbContext db, ProductEditor editor, TimeProvider clock,
        IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var product = await SellerProducts.FindOwnAsync(db, sellerId, productId, cancellationToken);
        if (product is null)
        {
            return SellerProducts.NotFound();
        }

        if (product.Skus.Count >= options.Value.MaxSkusPerProduct)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("skus", $"A product has at most {options.Value.MaxSkusPerProduct} SKUs."));
        }

        var sku = new Sku { Id = Guid.CreateVersion7(clock.GetUtcNow()) };
        var errors = await editor.ApplySkuAsync(product, sku, request, "", cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Added explicitly: a SKU with its id already set, found only through the navigation, would be taken for an existing row.
        db.Skus.Add(sku);
        product.Skus.Add(sku);
        if (await SaveAsync(db, editor, product, cancellationToken) is { } problem)
        {
            return problem;
        }

        return TypedResults.Created($"/api/v1/sellers/{sellerId}/products/{productId}/skus/{sku.Id}", ToResponse(sku));
    }

    public static async Task<Results<Ok<SkuResponse>, ValidationProblem, ProblemHttpResult>> Update(
        Guid sellerId, Guid productId, Guid skuId, SkuRequest request, CatalogDbContext db, ProductEditor editor, CancellationToken cancellationToken)
    {
        var product = await SellerProducts.FindOwnAsync(db, sellerId, productId, cancellationToken);
        var sku = product?.Skus.FirstOrDefault(s => s.Id == skuId);
        if (product is null || sku is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The seller's product has no SKU with this id.");
        }

        var errors = await editor.ApplySkuAsync(product, sku, request, "", cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await SaveAsync(db, editor, product, cancellationToken) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(ToResponse(sku));
    }

    private static async Task<ProblemHttpResult?> SaveAsync(CatalogDbContext db, ProductEditor editor, Product product, CancellationToken cancellationToken)
    {
        editor.Touch(product);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "The product changed meanwhile; retry.");
        }
        catch (DbUpdateException e) when (ProductEditor.IsSkuConflict(e))
        {
            return ProductEditor.SkuConflict(e);
        }
    }

    private static SkuResponse ToResponse(Sku s) => new(s.Id, s.Code, s.Gtin, s.Attributes, s.WeightGrams, s.LengthMm, s.WidthMm, s.HeightMm);
}
