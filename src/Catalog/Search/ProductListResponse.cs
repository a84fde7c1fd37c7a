namespace Marketplace.Catalog.Search;

/// <summary>A product as a listing shows it.</summary>
/// <param name="Id">Product id.</param>
/// <param name="Title">Title.</param>
/// <param name="BrandId">Brand, if any.</param>
/// <param name="BrandName">Brand name, if any.</param>
/// <param name="CategoryId">The product's (leaf) category.</param>
/// <param name="MinPrice">Lowest price among in-stock offers (or among all offers when none has stock).</param>
/// <param name="Currency">ISO 4217 currency of the price (the storefront currency).</param>
/// <param name="InStock">Whether any offer has stock.</param>
/// <param name="OfferCount">How many sellers offer it.</param>
/// <param name="RatingAverage">Average rating, 0 to 5.</param>
/// <param name="RatingCount">How many ratings the average is over.</param>
/// <param name="Image">First image, if any.</param>
public sealed record ProductSummary(
    Guid Id, string Title, Guid? BrandId, string? BrandName, Guid CategoryId, decimal? MinPrice, string? Currency,
    bool InStock, int OfferCount, double RatingAverage, int RatingCount, string? Image);

/// <summary>One page of a browse or search.</summary>
/// <param name="Items">Products of this page, in the requested order.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> (with the same filters and sort) for the next page; null on the last page.</param>
/// <param name="Sort">The order applied: relevance, price_asc, price_desc, rating, popularity or newest.</param>
/// <param name="TypoTolerant">True when few products matched the words exactly and titles similar to the search text were blended in.</param>
/// <param name="Facets">Counts for narrowing the result; on the first page only (null when a cursor is given).</param>
/// <param name="SearchFallback">
/// Null normally. A short sentence for the shopper when the search service could not answer and the catalog database
/// did instead: ranking and typo tolerance may differ, and the page is not cached.
/// </param>
public sealed record ProductListResponse(
    IReadOnlyList<ProductSummary> Items, string? NextCursor, string Sort, bool TypoTolerant, ProductFacets? Facets, string? SearchFallback = null);

/// <summary>
/// Counts of matching products per filter value. Each family is counted with every other filter applied but its own,
/// so choosing a second brand still shows how many the other brands have.
/// </summary>
/// <param name="Matched">Products matching every filter (at most the counting cap).</param>
/// <param name="FacetsApproximate">True when a family matched more products than the counting cap: its counts then cover only the first products of the match.</param>
/// <param name="Brands">Brand id, name and count.</param>
/// <param name="Categories">Category id, name and count (the categories the matches sit in).</param>
/// <param name="Prices">Price buckets with counts.</param>
/// <param name="Attributes">For a category's filterable attributes: counts per value.</param>
public sealed record ProductFacets(
    int Matched, bool FacetsApproximate, IReadOnlyList<FacetValue> Brands, IReadOnlyList<FacetValue> Categories,
    IReadOnlyList<PriceBucket> Prices, IReadOnlyList<AttributeFacet> Attributes);

/// <summary>One facet value.</summary>
/// <param name="Value">What to pass back as the filter value (an id, or an attribute value).</param>
/// <param name="Label">Display text.</param>
/// <param name="Count">Matching products.</param>
public sealed record FacetValue(string Value, string Label, int Count);

/// <summary>A price range with its count; pass <c>minPrice</c>/<c>maxPrice</c> to select it.</summary>
/// <param name="Min">Lower bound, inclusive.</param>
/// <param name="Max">Upper bound, exclusive; null for the top bucket.</param>
/// <param name="Count">Matching products.</param>
public sealed record PriceBucket(decimal Min, decimal? Max, int Count);

/// <summary>Counts per value of one filterable attribute; filter with <c>attr.{code}=value</c>.</summary>
/// <param name="Code">Attribute code.</param>
/// <param name="Name">Display name.</param>
/// <param name="Values">Values by count.</param>
public sealed record AttributeFacet(string Code, string Name, IReadOnlyList<FacetValue> Values);
