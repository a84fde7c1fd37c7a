using Marketplace.Catalog.Popularity;
using Marketplace.Platform.Paging;

namespace Marketplace.Catalog;

/// <summary>Catalog limits and settings; bound from <c>Catalog</c>.</summary>
internal sealed class CatalogOptions
{
    /// <summary>The storefront's currency: every offer is priced in it, so price filters and sorts compare like with like.</summary>
    public string Currency { get; set; } = "EUR";

    /// <summary>Rows per page of the catalog's lists (products, reviews, seller offers) when the caller gives no <c>limit</c>.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>The largest <c>limit</c> the catalog's lists accept.</summary>
    public int MaxPageSize { get; set; } = 100;

    public PageLimits PageLimits => new(DefaultPageSize, MaxPageSize);

    /// <summary>Most products the compare endpoint puts side by side.</summary>
    public int MaxCompareProducts { get; set; } = 8;

    public int MaxSkusPerProduct { get; set; } = 200;

    public int MaxImagesPerProduct { get; set; } = 20;

    public int MaxDescriptionLength { get; set; } = 20_000;

    /// <summary>Rows one bulk request may carry.</summary>
    public int MaxBulkRows { get; set; } = 100_000;

    /// <summary>Largest bulk request body (100,000 JSON Lines rows fit comfortably).</summary>
    public long MaxBulkBodyBytes { get; set; } = 64L * 1024 * 1024;

    public int MaxReviewLength { get; set; } = 5_000;

    /// <summary>Most cross-links one product may carry.</summary>
    public int MaxLinksPerProduct { get; set; } = 50;
    /// <summary>
    /// Rows written per transaction by a bulk upsert: big enough for set-based SQL to pay off, small enough to keep locks
    /// short and, with <see cref="BulkRowsPerSecond"/>, each burst of writing brief (at 1M SKUs, reads under a paced file kept
    /// 59-72 % of their throughput with batches of 1,000 and 44-57 % with batches of 5,000).
    /// </summary>
    public int BulkBatchSize { get; set; } = 1_000;
    /// <summary>Product rows saved per transaction by a products bulk upsert (each row is a product and its SKU, saved through EF).</summary>
    public int BulkProductBatchSize { get; set; } = 500;
    /// <summary>
    /// Longest row of a bulk request, in bytes: a longer JSON line is rejected without being parsed; a longer CSV record
    /// (an unclosed quote makes the rest of the file one record) ends the request with a 400 naming its line.
    /// </summary>
    public int MaxBulkLineBytes { get; set; } = 256 * 1024;

    /// <summary>Bulk requests one seller may have running at once (on each replica); one more is a 429.</summary>
    public int MaxConcurrentBulkRunsPerSeller { get; set; } = 1;

    /// <summary>Bulk requests of all sellers running at once on one replica; one more is a 503.</summary>
    public int MaxConcurrentBulkRuns { get; set; } = 4;

    /// <summary>
    /// Rows per second all bulk runs of one replica write together, at most (each batch waits its turn); zero writes as
    /// fast as the database takes them. On a 2-core replica a 100,000-row offer file written at full speed took the reads'
    /// throughput down to a third (loadtests/RESULTS.md, "Issue 17"); a seller's file is background work, a shopper's page is not.
    /// </summary>
    public int BulkRowsPerSecond { get; set; } = 2_000;

    /// <summary>The Retry-After of a bulk request refused because too many run.</summary>
    public TimeSpan BulkBusyRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Highest offer price accepted, in the storefront currency (a typo guard).</summary>
    public decimal MaxPrice { get; set; } = 1_000_000m;
    /// <summary>Most units one offer may hold in stock.</summary>
    public int MaxStock { get; set; } = 10_000_000;
    /// <summary>Longest dispatch promise, in business days.</summary>
    public int MaxDispatchDays { get; set; } = 60;
    /// <summary>Dispatch days of a new offer that does not state them.</summary>
    public int DefaultDispatchDays { get; set; } = 2;
    /// <summary>Heaviest SKU, in grams (freight beyond this does not go through the marketplace).</summary>
    public int MaxWeightGrams { get; set; } = 1_000_000;
    /// <summary>Longest side of a SKU's package, in millimetres.</summary>
    public int MaxDimensionMm { get; set; } = 10_000;
    public int MaxAttributesPerProduct { get; set; } = 100;
    public int MaxAttributeValueLength { get; set; } = 500;
    public int MaxTitleLength { get; set; } = 500;
    /// <summary>Most offer-changed events the listing-summary consumer applies in one transaction.</summary>
    public int ListingSummaryBatchSize { get; set; } = 500;
    /// <summary>How long the listing-summary consumer waits to fill a batch; also the most a summary lags when events are few.</summary>
    public TimeSpan ListingSummaryBatchWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a rendered product detail stays in the in-process cache when no event evicts it first.</summary>
    public TimeSpan ProductDetailCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes of rendered responses (product details, listing pages) each process keeps in memory.</summary>
    public long ResponseCacheBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// Longest a rendered listing page (browse or search, with its facets) keeps its products and their order in memory.
    /// Prices, stock and offer counts are not cached with it (see <see cref="ListingLiveStateTtl"/>); a product change drops
    /// every page at once; so this bounds how long a newly offered product, or a new popularity or rating order, takes to
    /// show. Zero turns the listing cache off.
    /// </summary>
    public TimeSpan ListingCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest a cached page whose order or membership follows the offers (sorted by price, filtered on price or stock) keeps
    /// its products: how long a price change can take to reorder a price-sorted page. The prices shown are current regardless.
    /// </summary>
    public TimeSpan ListingOfferOrderTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest a cached page may miss a product that joined the listings (its first offer) after the page was rendered:
    /// past it, the page is rendered again. The default is the page's own time to live, so joining products cost no render
    /// beyond it. Each render at a million SKUs is a search or browse the database runs in full, and a bulk file that lists
    /// new products would otherwise re-render every page each time this passes: at 2 s, search under such a file kept 3 %
    /// of its throughput (loadtests/RESULTS.md). A price-sorted or price- or stock-filtered page shows joins within
    /// <see cref="ListingOfferOrderTtl"/> regardless.
    /// </summary>
    public TimeSpan ListingMembershipTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a replica shows the facet counts of an unfiltered category browse (the category, brand, price and
    /// attribute counts of a category's first page with no words and no filters) before counting them again, in the
    /// background, while browses keep showing the old counts. Pages themselves are read fresh. Zero counts every time.
    /// </summary>
    public TimeSpan BrowseFacetsTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a replica browses with the category tree it read, before reading it again (a category it creates itself shows at once).</summary>
    public TimeSpan CategoryDirectoryTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest a cached listing page shows a product's price, stock and offer count without reading them again, counted
    /// from when the read started; OfferChanged events usually refresh them sooner. Kept under 2 s with room for the read.
    /// </summary>
    public TimeSpan ListingLiveStateTtl { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Most products whose listing offer state one replica keeps.</summary>
    public int MaxListingLiveStates { get; set; } = 200_000;

    /// <summary>
    /// How long past <see cref="ListingCacheTtl"/> a listing page may still be served while one request re-renders it
    /// (stale-while-revalidate). Catalog events drop pages at once regardless; zero re-renders on expiry with everyone waiting.
    /// </summary>
    public TimeSpan ListingStaleWhileRevalidate { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest an offer snapshot (price, stock, product facts) is reused for cart reads on one replica. OfferChanged and
    /// ProductChanged events evict snapshots as they arrive, so this only bounds a lost race. Zero reads every offer from the database.
    /// </summary>
    public TimeSpan OfferSnapshotCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most offer snapshots one replica keeps; beyond it, expired and least recently used ones make room.</summary>
    public int MaxOfferSnapshots { get; set; } = 200_000;

    /// <summary>How long browsers and CDNs may reuse a product detail (<c>Cache-Control: public, max-age</c>).</summary>
    public int ProductDetailMaxAgeSeconds { get; set; } = 60;

    /// <summary>Longest search text accepted in <c>q</c>.</summary>
    public int MaxSearchQueryLength { get; set; } = 200;

    /// <summary>Most words of <c>q</c> that take part in a search; the rest are ignored.</summary>
    public int MaxSearchTerms { get; set; } = 8;

    /// <summary>When whole words find fewer products than this, search tries the last word as a prefix, then typo tolerance.</summary>
    public int TypoFallbackBelow { get; set; } = 5;

    /// <summary>Least trigram word similarity (0..1) between <c>q</c> and a title for the typo fallback to count it a match (SQLite).</summary>
    public double TypoSimilarityThreshold { get; set; } = 0.3;

    /// <summary>
    /// Least trigram similarity (0..1) between a search word and a catalog word for the typo fallback to try it instead
    /// (PostgreSQL). Lower than the title threshold because single words share fewer trigrams: "iphnoe" and "iphone" score 0.27.
    /// </summary>
    public double TypoCorrectionSimilarity { get; set; } = 0.2;

    /// <summary>Most catalog words one search word is widened to by the typo fallback (PostgreSQL).</summary>
    public int MaxTypoCorrections { get; set; } = 3;

    /// <summary>
    /// How long a replica keeps the catalog words a search word was corrected to (PostgreSQL), before looking it up again:
    /// how long a word new to the catalog can take to be offered as a correction. Zero looks every word up every time.
    /// </summary>
    public TimeSpan TypoCorrectionsTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most search words whose corrections a replica keeps (see <see cref="TypoCorrectionsTtl"/>).</summary>
    public int MaxCachedTypoCorrections { get; set; } = 50_000;

    /// <summary>
    /// Most matches a search with text reads (in storage order) to rank by relevance and to count its facets over. Bounds the
    /// cost of a word found in a large part of the catalog on the database adapters: at a million SKUs, reading 5,000
    /// matches instead of 2,000 doubles a broad search's time. Above it the response says <c>facetsApproximate</c>;
    /// a search engine adapter ranks and counts the whole match instead.
    /// </summary>
    public int MaxRankedMatches { get; set; } = 2_000;

    /// <summary>
    /// Most products a listing without search text (a category browse) counts its facets over; above it the counts cover
    /// a sample and the response says <c>facetsApproximate</c>. Browse pages walk an index in sort order, so only the facets read this many.
    /// </summary>
    public int MaxFacetedMatches { get; set; } = 5_000;

    /// <summary>Most values one attribute facet (and the brand and category facets) lists, by count.</summary>
    public int MaxFacetValues { get; set; } = 30;

    /// <summary>Most values one filter (brands, one attribute's values) may list.</summary>
    public int MaxFilterValues { get; set; } = 50;

    /// <summary>Most attribute filters one browse or search may combine.</summary>
    public int MaxAttributeFilters { get; set; } = 10;

    /// <summary>Upper bounds of the price facet's buckets, in the storefront currency; one more bucket holds everything above.</summary>
    public List<decimal> PriceBucketBounds { get; set; } = [];

    /// <summary>How often buffered product views are written to the popularity score (one statement per flush).</summary>
    public TimeSpan PopularityFlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Half-life of popularity: a view this old counts half as much as one now.</summary>
    public TimeSpan PopularityHalfLife { get; set; } = PopularityScore.DefaultHalfLife;

    /// <summary>A client's views of one product within this window count as one view (a 304 never counts).</summary>
    public TimeSpan PopularityViewWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Client-and-product pairs each process remembers as counted in the window; past it, Redis alone decides (or, embedded, a view counts again).</summary>
    public long MaxTrackedProductViews { get; set; } = 200_000;

    /// <summary>Popularity weight of one product view.</summary>
    public double PopularityViewWeight { get; set; } = 1;

    /// <summary>Popularity weight of one unit bought in a placed order.</summary>
    public double PopularityOrderWeight { get; set; } = 20;

    /// <summary>The price facet's bucket bounds: configured ones, or a default ladder.</summary>
    public IReadOnlyList<decimal> EffectivePriceBuckets => PriceBucketBounds.Count > 0 ? PriceBucketBounds : [25, 50, 100, 250, 500, 1000];
}
