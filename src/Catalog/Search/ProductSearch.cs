namespace Marketplace.Catalog.Search;

/// <summary>
/// The storefront's search port: filters, full-text match, facets and keyset pages over listed products.
/// One adapter per engine (PostgreSQL tsvector + pg_trgm, SQLite FTS5; Elasticsearch can join them);
/// callers see only this.
/// </summary>
internal interface IProductSearch
{
    /// <summary>Runs a validated query; the category (when filtered on) has been resolved by the caller.</summary>
    Task<SearchResult> SearchAsync(ResolvedQuery query, CancellationToken cancellationToken);
}

/// <summary>A validated query with its category resolved and its text reduced to plain search terms.</summary>
internal sealed record ResolvedQuery(
    ProductQuery Query,
    SearchTerms Terms,
    CategoryScope? Category,
    IReadOnlyList<FilterableAttribute> FacetAttributes,
    int PageSize,
    ListingPosition? After,
    bool WithFacets);

/// <summary>The category a listing is limited to: its subtree by path, or (for a leaf) just its id, which the sort indexes serve directly.</summary>
internal sealed record CategoryScope(Guid Id, string Path, bool IsLeaf);

/// <summary>A filterable attribute of the category, counted as a facet.</summary>
internal sealed record FilterableAttribute(string Code, string Name, bool IsNumber);

/// <summary>One row of a listing with the key it was sorted by.</summary>
internal sealed record SearchHit(ProductSummary Product, decimal? SortNumber, long? SortTime);

internal sealed record SearchResult(IReadOnlyList<SearchHit> Hits, bool MoreAfter, MatchMode Mode, ProductFacets? Facets)
{
    /// <summary>Whether the typo fallback found these products (the words as typed found too few).</summary>
    public bool Fuzzy => Mode == MatchMode.Typo;

    /// <summary>How many products match in all, where the engine counts them exactly (Elasticsearch); else null.</summary>
    public long? Matched { get; init; }

    /// <summary>
    /// The instant a relevance ranking weighed popularity at (Elasticsearch: views decayed to this instant), as UTC
    /// ticks; the next page ranks at the same instant, so that the scores it continues from are the same numbers.
    /// </summary>
    public long? RankedAt { get; init; }

    /// <summary>
    /// Set when the configured engine could not answer and another did (PostgreSQL for Elasticsearch): a short sentence
    /// for the shopper's client. Such a result is not cached for long.
    /// </summary>
    public string? Fallback { get; init; }
}
