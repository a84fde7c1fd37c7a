namespace Marketplace.Catalog.Products;

/// <summary>A SKU as stored.</summary>
/// <param name="Id">SKU id: the key of offers.</param>
/// <param name="Code">Marketplace-wide SKU code.</param>
/// <param name="Gtin">GTIN, when known.</param>
/// <param name="Attributes">Variant attribute values.</param>
/// <param name="WeightGrams">Shipping weight in grams.</param>
/// <param name="LengthMm">Package length in millimetres.</param>
/// <param name="WidthMm">Package width in millimetres.</param>
/// <param name="HeightMm">Package height in millimetres.</param>
public sealed record SkuResponse(
    Guid Id, string Code, string? Gtin, IReadOnlyDictionary<string, string> Attributes, int WeightGrams, int LengthMm, int WidthMm, int HeightMm);

/// <summary>A product as its owner seller sees it after a write.</summary>
/// <param name="Id">Product id.</param>
/// <param name="OwnerSellerId">The seller that owns the content.</param>
/// <param name="CategoryId">Category id.</param>
/// <param name="CategoryPath">Category path, e.g. <c>/electronics/phones/</c>.</param>
/// <param name="BrandId">Brand id, if any.</param>
/// <param name="BrandName">Brand name, if any.</param>
/// <param name="Title">Title.</param>
/// <param name="DescriptionHtml">The sanitized description.</param>
/// <param name="DescriptionText">The description as plain text.</param>
/// <param name="Attributes">Normalized attribute values.</param>
/// <param name="Images">Image URLs.</param>
/// <param name="Version">Concurrency version; the ETag is its quoted form.</param>
/// <param name="Skus">The product's SKUs.</param>
public sealed record SellerProductResponse(
    Guid Id, Guid OwnerSellerId, Guid CategoryId, string CategoryPath, Guid? BrandId, string? BrandName, string Title, string DescriptionHtml,
    string DescriptionText, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Images, int Version, IReadOnlyList<SkuResponse> Skus);
