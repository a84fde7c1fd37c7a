using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Products.Create;

internal static class CreateProduct
{
    public static async Task<Results<Created<SellerProductResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid sellerId, CreateProductRequest request, CatalogDbContext db, ProductEditor editor, TimeProvider clock, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var product = new Product { Id = Guid.CreateVersion7(now), OwnerSellerId = sellerId, CreatedAt = now, Version = 0 };
        var errors = await editor.ApplyContentAsync(product, request, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        for (var i = 0; i < request.Skus.Count; i++)
        {
            var sku = new Sku { Id = Guid.CreateVersion7(now) };
            var skuErrors = await editor.ApplySkuAsync(product, sku, request.Skus[i], $"skus[{i}].", cancellationToken);
            foreach (var (field, messages) in skuErrors)
            {
                errors[field] = messages;
            }

            product.Skus.Add(sku);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        editor.Touch(product);
        db.Products.Add(product);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ProductEditor.IsSkuConflict(e))
        {
            return ProductEditor.SkuConflict(e);
        }

        ETag.Set(response, product.Version);
        return TypedResults.Created($"/api/v1/sellers/{sellerId}/products/{product.Id}", ProductEditor.ToResponse(product));
    }
}
