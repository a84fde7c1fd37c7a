using Marketplace.Catalog.Domain;

namespace Marketplace.Catalog.ProductDetail;

/// <summary>Everything the product page shows, with the buy box first.</summary>
/// <param name="Id">Product id.</param>
/// <param name="Title">Title.</param>
/// <param name="BrandId">Brand, if any.</param>
/// <param name="BrandName">Brand name, if any.</param>
/// <param name="CategoryId">Category.</param>
/// <param name="CategoryPath">Category path from the root, e.g. <c>/electronics/phones/</c>.</param>
/// <param name="DescriptionHtml">Sanitized description markup.</param>
/// <param name="Attributes">Attribute values by attribute code.</param>
/// <param name="Images">Image URLs.</param>
/// <param name="BuyBox">The offer a "buy" button takes: the in-stock offer with the lowest price, then the best-rated seller, then the fastest dispatch; null when nothing is in stock.</param>
/// <param name="Offers">Every offer, in buy-box order (in-stock ones first).</param>
/// <param name="Skus">Variants with their attributes, GTIN, weight and dimensions.</param>
/// <param name="Rating">Rating summary.</param>
/// <param name="Links">Cross-linked products grouped by kind.</param>
/// <param name="Version">Content version of the product.</param>
/// <param name="UpdatedAt">When the content last changed.</param>
public sealed record ProductDetailResponse(
    Guid Id, string Title, Guid? BrandId, string? BrandName, Guid CategoryId, string CategoryPath, string DescriptionHtml,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Images, OfferResponse? BuyBox, IReadOnlyList<OfferResponse> Offers,
    IReadOnlyList<SkuResponse> Skus, RatingSummary Rating, IReadOnlyList<LinkGroup> Links, int Version, DateTimeOffset UpdatedAt);

/// <summary>One seller's offer of one SKU.</summary>
/// <param name="OfferId">Offer id.</param>
/// <param name="SkuId">The SKU offered.</param>
/// <param name="SellerId">Seller id.</param>
/// <param name="SellerName">Seller display name.</param>
/// <param name="SellerRating">Seller rating, 0 to 5.</param>
/// <param name="Price">Price.</param>
/// <param name="Currency">ISO 4217 currency.</param>
/// <param name="InStock">Whether units are available to buy.</param>
/// <param name="Stock">Units available to buy now: the seller's stock less the units held for checkouts in progress.</param>
/// <param name="DispatchDays">Business days from order to dispatch.</param>
public sealed record OfferResponse(
    Guid OfferId, Guid SkuId, Guid SellerId, string? SellerName, double SellerRating, decimal Price, string Currency, bool InStock, int Stock, int DispatchDays)
{
    /// <summary>The share of the seller's orders shipped by their ship-by deadline (0 to 1); null until any was due.</summary>
    public double? SellerOnTimeDispatchRate { get; init; }
}

/// <summary>A variant of the product.</summary>
/// <param name="Id">SKU id.</param>
/// <param name="Code">Marketplace-wide SKU code.</param>
/// <param name="Gtin">GTIN (EAN/UPC), if any.</param>
/// <param name="Attributes">Variant attribute values by code.</param>
/// <param name="WeightGrams">Shipping weight in grams.</param>
/// <param name="LengthMm">Length in millimetres.</param>
/// <param name="WidthMm">Width in millimetres.</param>
/// <param name="HeightMm">Height in millimetres.</param>
public sealed record SkuResponse(Guid Id, string Code, string? Gtin, IReadOnlyDictionary<string, string> Attributes, int WeightGrams, int LengthMm, int WidthMm, int HeightMm);

/// <summary>How customers rated the product.</summary>
/// <param name="Average">Average rating, 0 to 5.</param>
/// <param name="Count">Number of ratings.</param>
/// <param name="Stars">Published reviews per star value, index 0 for one star to index 4 for five.</param>
public sealed record RatingSummary(double Average, int Count, IReadOnlyList<int> Stars);

/// <summary>Products linked to this one in one way.</summary>
/// <param name="Kind">How they relate.</param>
/// <param name="Products">The linked products.</param>
public sealed record LinkGroup(LinkKind Kind, IReadOnlyList<LinkedProduct> Products);

/// <summary>A linked product.</summary>
/// <param name="Id">Product id.</param>
/// <param name="Title">Title.</param>
public sealed record LinkedProduct(Guid Id, string Title);
