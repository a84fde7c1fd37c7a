using System.Text.Json.Serialization;

namespace Marketplace.Catalog.Domain;

/// <summary>
/// A product as the storefront shows it. Several sellers may offer its SKUs; the seller that created it
/// owns its content. The listing fields (<see cref="MinPrice"/>, <see cref="InStock"/>…) are a summary of
/// the offers, kept current by the offer-changed event.
/// </summary>
internal sealed class Product
{
    public Guid Id { get; set; }

    public Guid OwnerSellerId { get; set; }

    public Guid CategoryId { get; set; }

    /// <summary>Copied from the category, so a subtree browse is one index range.</summary>
    public string CategoryPath { get; set; } = "/";

    public Guid? BrandId { get; set; }

    /// <summary>Copied from the brand for full-text search and display.</summary>
    public string? BrandName { get; set; }

    public string Title { get; set; } = "";

    /// <summary>Seller HTML, sanitized on the way in.</summary>
    public string DescriptionHtml { get; set; } = "";

    /// <summary>The description without markup, for full-text search.</summary>
    public string DescriptionText { get; set; } = "";

    /// <summary>Attribute values by attribute code, as JSON text.</summary>
    public Dictionary<string, string> Attributes { get; set; } = [];

    /// <summary>Attribute values joined as plain text, for full-text search.</summary>
    public string AttributesText { get; set; } = "";

    public List<string> Images { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, and part of the product detail's ETag.</summary>
    public int Version { get; set; }

    public decimal? MinPrice { get; set; }

    public string? Currency { get; set; }

    public bool InStock { get; set; }

    public int OfferCount { get; set; }

    /// <summary>
    /// When the listing summary (<see cref="MinPrice"/>, <see cref="InStock"/>, <see cref="OfferCount"/>) last changed; null
    /// until it first does. A search-index rebuild catches up products by it, since a withdrawn offer leaves no row behind.
    /// </summary>
    public DateTimeOffset? ListingUpdatedAt { get; set; }

    public double RatingAverage { get; set; }

    public int RatingCount { get; set; }

    /// <summary>Published reviews of one star, kept with <see cref="RatingAverage"/> so the product page reads no review rows.</summary>
    public int RatingStars1 { get; set; }

    /// <summary>Published reviews of two stars.</summary>
    public int RatingStars2 { get; set; }

    /// <summary>Published reviews of three stars.</summary>
    public int RatingStars3 { get; set; }

    /// <summary>Published reviews of four stars.</summary>
    public int RatingStars4 { get; set; }

    /// <summary>Published reviews of five stars.</summary>
    public int RatingStars5 { get; set; }

    /// <summary>Decayed popularity from views, as a base-2 logarithm (see <c>PopularityScore</c>); a sort order.</summary>
    public double Popularity { get; set; }

    public List<Sku> Skus { get; set; } = [];
}

/// <summary>A variant of a product: what a seller actually offers and a carrier actually ships.</summary>
internal sealed class Sku
{
    public Guid Id { get; set; }

    public Guid ProductId { get; set; }

    /// <summary>The marketplace-wide SKU code, unique.</summary>
    public string Code { get; set; } = "";

    /// <summary>GTIN (EAN/UPC), unique when present.</summary>
    public string? Gtin { get; set; }

    public Dictionary<string, string> Attributes { get; set; } = [];

    public int WeightGrams { get; set; }

    public int LengthMm { get; set; }

    public int WidthMm { get; set; }

    public int HeightMm { get; set; }
}

/// <summary>One seller selling one SKU at a price, with stock.</summary>
internal sealed class Offer
{
    public Guid Id { get; set; }

    public Guid SkuId { get; set; }

    public Guid ProductId { get; set; }

    public Guid SellerId { get; set; }

    public decimal Price { get; set; }

    public string Currency { get; set; } = "";

    public int Stock { get; set; }

    /// <summary>Business days from order to dispatch, used by the buy box after price and seller rating.</summary>
    public int DispatchDays { get; set; } = 2;

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }
}

/// <summary>What the Catalog knows of a seller: learned from Identity's SellerRegistered event.</summary>
internal sealed class SellerProfile
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public double Rating { get; set; }

    public int RatingCount { get; set; }

    /// <summary>The share of its orders shipped by their ship-by deadline (0 to 1), as Ordering last computed it; null until then.</summary>
    public double? OnTimeDispatchRate { get; set; }

    /// <summary>When Ordering computed <see cref="OnTimeDispatchRate"/>: an older computation arriving late changes nothing.</summary>
    public DateTimeOffset? PerformanceComputedAt { get; set; }
}

/// <summary>How two products relate, for cross-selling and comparison.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LinkKind>))]
public enum LinkKind
{
    Related,
    Accessory,
    Substitute,
    Comparable,
}

internal sealed class ProductLink
{
    public Guid ProductId { get; set; }

    public Guid LinkedProductId { get; set; }

    public LinkKind Kind { get; set; }
}

/// <summary>Moderation state of a review.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewStatus>))]
public enum ReviewStatus
{
    Published,
    Hidden,
}

/// <summary>One customer's rating of one product.</summary>
internal sealed class Review
{
    public Guid Id { get; set; }

    public Guid ProductId { get; set; }

    public Guid CustomerId { get; set; }

    public int Rating { get; set; }

    public string Text { get; set; } = "";

    public ReviewStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
