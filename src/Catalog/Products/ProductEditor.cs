using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Catalog.Products;

/// <summary>
/// Applies seller content to products and SKUs after checking what only the database knows: the category and its
/// typed attributes, the brand. Shared by the single endpoints and the bulk import.
/// </summary>
internal sealed class ProductEditor(CatalogDbContext db, CatalogReferences references, DescriptionSanitizer sanitizer, IOptions<CatalogOptions> options, TimeProvider clock)
{
    /// <summary>Checks the content and, when it is valid, copies it onto the product. Returns the errors by field (empty when applied).</summary>
    public async Task<Dictionary<string, string[]>> ApplyContentAsync(Product product, IProductContentRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var category = await references.CategoryAsync(request.CategoryId, cancellationToken);
        if (category is null)
        {
            errors["categoryId"] = ["No category has this id."];
            return errors;
        }

        Brand? brand = null;
        if (!string.IsNullOrWhiteSpace(request.Brand))
        {
            brand = await references.BrandAsync(request.Brand.Trim(), cancellationToken);
            if (brand is null)
            {
                errors["brand"] = [$"No brand has the id or slug '{request.Brand}'."];
            }
        }

        var attributes = ProductContent.NormalizeAttributes(category, request.Attributes, "attributes", options.Value.MaxAttributeValueLength, errors);
        foreach (var sku in product.Skus)
        {
            var missing = sku.Attributes.Keys.FirstOrDefault(code => category.Attributes.All(a => a.Code != code));
            if (missing is not null)
            {
                errors["categoryId"] = [$"SKU '{sku.Code}' has the attribute '{missing}', which the category '{category.Path}' does not define."];
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var (html, text) = sanitizer.Clean(request.Description);
        product.Title = request.Title.Trim();
        product.CategoryId = category.Id;
        product.CategoryPath = category.Path;
        product.BrandId = brand?.Id;
        product.BrandName = brand?.Name;
        product.DescriptionHtml = html;
        product.DescriptionText = text;
        product.Attributes = attributes;
        product.AttributesText = ProductContent.AttributesText(category, attributes);
        product.Images = request.Images?.ToList() ?? [];
        product.UpdatedAt = clock.GetUtcNow();
        return errors;
    }

    /// <summary>Checks a SKU's attributes against the product's category and copies the SKU onto <paramref name="sku"/>.</summary>
    public async Task<Dictionary<string, string[]>> ApplySkuAsync(Product product, Sku sku, SkuRequest request, string fieldPrefix, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var category = await references.CategoryAsync(product.CategoryId, cancellationToken)
            ?? throw new InvalidOperationException($"Product {product.Id} refers to a missing category.");
        var attributes = ProductContent.NormalizeAttributes(category, request.Attributes, $"{fieldPrefix}attributes", options.Value.MaxAttributeValueLength, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        sku.ProductId = product.Id;
        sku.Code = request.Code;
        sku.Gtin = request.Gtin;
        sku.Attributes = attributes;
        sku.WeightGrams = request.WeightGrams;
        sku.LengthMm = request.LengthMm;
        sku.WidthMm = request.WidthMm;
        sku.HeightMm = request.HeightMm;
        return errors;
    }

    /// <summary>Records the change: a new version and the ProductChanged event, saved with it.</summary>
    public void Touch(Product product)
    {
        var now = clock.GetUtcNow();
        product.UpdatedAt = now;
        product.Version++;
        db.Publish(new ProductChanged(product.Id, now), clock);
    }

    /// <summary>The 409 answer for a SKU code or GTIN that another SKU already has; the unique index decided it.</summary>
    public static ProblemHttpResult SkuConflict(DbUpdateException exception) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Conflict",
            detail: ConflictsOnGtin(exception) ? "Another SKU already has this GTIN." : "Another SKU already has this code.",
            extensions: new Dictionary<string, object?> { ["field"] = ConflictsOnGtin(exception) ? "gtin" : "code" });

    public static bool IsSkuConflict(DbUpdateException exception) => ModuleDbContext.IsUniqueViolation(exception);

    public static bool ConflictsOnGtin(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.ConstraintName?.Contains("gtin", StringComparison.Ordinal) == true,
        { } other => other.Message.Contains("gtin", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public static SellerProductResponse ToResponse(Product p) => new(
        p.Id, p.OwnerSellerId, p.CategoryId, p.CategoryPath, p.BrandId, p.BrandName, p.Title, p.DescriptionHtml, p.DescriptionText,
        p.Attributes, p.Images, p.Version,
        p.Skus.OrderBy(s => s.Code, StringComparer.Ordinal)
            .Select(s => new SkuResponse(s.Id, s.Code, s.Gtin, s.Attributes, s.WeightGrams, s.LengthMm, s.WidthMm, s.HeightMm))
            .ToList());
}
