using System.Text.Json;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Products;

/// <summary>A variant of a product.</summary>
/// <param name="Code">Marketplace-wide SKU code (letters, digits, <c>. _ / -</c>; up to 64); unique.</param>
/// <param name="Gtin">GTIN-8/12/13/14 (EAN/UPC) with a valid check digit; unique when given.</param>
/// <param name="Attributes">Variant attribute values by attribute code of the product's category (e.g. <c>{"color": "red"}</c>).</param>
/// <param name="WeightGrams">Shipping weight in grams.</param>
/// <param name="LengthMm">Package length in millimetres.</param>
/// <param name="WidthMm">Package width in millimetres.</param>
/// <param name="HeightMm">Package height in millimetres.</param>
public sealed record SkuRequest(
    string Code, string? Gtin, Dictionary<string, JsonElement>? Attributes, int WeightGrams, int LengthMm, int WidthMm, int HeightMm);

/// <summary>A new product with its SKUs, owned by the seller that creates it.</summary>
/// <param name="Title">Shown in listings; up to 500 characters.</param>
/// <param name="CategoryId">The category; its attribute definitions type <paramref name="Attributes"/>.</param>
/// <param name="Brand">Brand id or slug; optional.</param>
/// <param name="Description">HTML; sanitized: scripts, event handlers, iframes and styles are removed, links keep only https or relative targets (with rel="nofollow ugc noopener"), images and media only relative sources.</param>
/// <param name="Attributes">Attribute values by code: numbers, booleans, enum values or text, as the category defines them.</param>
/// <param name="Images">Absolute https URLs, the first is the main image.</param>
/// <param name="Skus">At least one SKU.</param>
public sealed record CreateProductRequest(
    string Title, Guid CategoryId, string? Brand, string? Description, Dictionary<string, JsonElement>? Attributes, List<string>? Images, List<SkuRequest> Skus)
    : IProductContentRequest;

/// <summary>New content for a product (its SKUs change through the SKU endpoints). Send the product's ETag in <c>If-Match</c>.</summary>
/// <param name="Title">Shown in listings; up to 500 characters.</param>
/// <param name="CategoryId">The category; its attribute definitions type <paramref name="Attributes"/>.</param>
/// <param name="Brand">Brand id or slug; optional.</param>
/// <param name="Description">HTML; sanitized as on create.</param>
/// <param name="Attributes">Attribute values by code.</param>
/// <param name="Images">Absolute https URLs.</param>
public sealed record UpdateProductRequest(
    string Title, Guid CategoryId, string? Brand, string? Description, Dictionary<string, JsonElement>? Attributes, List<string>? Images)
    : IProductContentRequest;

/// <summary>The content fields create and update share.</summary>
internal interface IProductContentRequest
{
    string Title { get; }

    Guid CategoryId { get; }

    string? Brand { get; }

    string? Description { get; }

    Dictionary<string, JsonElement>? Attributes { get; }

    List<string>? Images { get; }
}

internal static class ProductContentRules
{
    public static void AddContentRules<T>(this AbstractValidator<T> validator, CatalogOptions settings)
        where T : IProductContentRequest
    {
        validator.RuleFor(r => r.Title).NotEmpty().MaximumLength(settings.MaxTitleLength);
        validator.RuleFor(r => r.CategoryId).NotEmpty();
        validator.RuleFor(r => r.Brand).MaximumLength(100);
        validator.RuleFor(r => r.Description).MaximumLength(settings.MaxDescriptionLength);
        validator.RuleFor(r => r.Attributes).Must(a => a is null || a.Count <= settings.MaxAttributesPerProduct)
            .WithMessage($"At most {settings.MaxAttributesPerProduct} attributes.");
        validator.RuleFor(r => r.Images).Must(i => i is null || i.Count <= settings.MaxImagesPerProduct)
            .WithMessage($"At most {settings.MaxImagesPerProduct} images.");
        validator.RuleForEach(r => r.Images).Cascade(CascadeMode.Stop).NotNull().WithMessage("An image must not be null.")
            .Must(ProductContent.IsHttpsUrl).WithMessage("An image is an absolute https URL.");
    }
}

internal sealed class SkuRequestValidator : AbstractValidator<SkuRequest>
{
    public SkuRequestValidator(IOptions<CatalogOptions> options)
    {
        var settings = options.Value;
        RuleFor(s => s.Code).NotEmpty().Matches(ProductContent.SkuCodePattern)
            .WithMessage("Up to 64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit.");
        RuleFor(s => s.Gtin).Must(ProductContent.IsValidGtin).When(s => s.Gtin is not null)
            .WithMessage("A GTIN has 8, 12, 13 or 14 digits and a valid check digit.");
        RuleFor(s => s.WeightGrams).InclusiveBetween(1, settings.MaxWeightGrams);
        RuleFor(s => s.LengthMm).InclusiveBetween(1, settings.MaxDimensionMm);
        RuleFor(s => s.WidthMm).InclusiveBetween(1, settings.MaxDimensionMm);
        RuleFor(s => s.HeightMm).InclusiveBetween(1, settings.MaxDimensionMm);
        RuleFor(s => s.Attributes).Must(a => a is null || a.Count <= settings.MaxAttributesPerProduct)
            .WithMessage($"At most {settings.MaxAttributesPerProduct} attributes.");
    }
}

internal sealed class CreateProductValidator : AbstractValidator<CreateProductRequest>
{
    public CreateProductValidator(IOptions<CatalogOptions> options)
    {
        var settings = options.Value;
        this.AddContentRules(settings);
        RuleFor(r => r.Skus).NotEmpty().Must(s => s is null || s.Count <= settings.MaxSkusPerProduct)
            .WithMessage($"At most {settings.MaxSkusPerProduct} SKUs.");
        RuleForEach(r => r.Skus).NotNull().WithMessage("A SKU must not be null.").SetValidator(new SkuRequestValidator(options));
        RuleFor(r => r.Skus).Must(s => s is null || s.Select(x => x?.Code).Distinct(StringComparer.Ordinal).Count() == s.Count)
            .WithMessage("SKU codes must be unique within the product.");
        RuleFor(r => r.Skus).Must(s => s is null || s.Where(x => x?.Gtin is not null).Select(x => x.Gtin).Distinct(StringComparer.Ordinal).Count() == s.Count(x => x?.Gtin is not null))
            .WithMessage("GTINs must be unique within the product.");
    }
}

internal sealed class UpdateProductValidator : AbstractValidator<UpdateProductRequest>
{
    public UpdateProductValidator(IOptions<CatalogOptions> options) => this.AddContentRules(options.Value);
}
