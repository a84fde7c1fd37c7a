namespace Marketplace.Catalog;

/// <summary>Catalog limits and settings; bound from <c>Catalog</c>.</summary>
internal sealed class CatalogOptions
{
    /// <summary>The storefront's currency: every offer is priced in it, so price filters and sorts compare like with like.</summary>
    public string Currency { get; set; } = "EUR";

    public int DefaultPageSize { get; set; } = 20;

    public int MaxPageSize { get; set; } = 100;

    /// <summary>Most products the compare endpoint puts side by side.</summary>
    public int MaxCompareProducts { get; set; } = 8;

    public int MaxSkusPerProduct { get; set; } = 200;

    public int MaxImagesPerProduct { get; set; } = 20;

    public int MaxDescriptionLength { get; set; } = 20_000;

    /// <summary>Rows one bulk request may carry.</summary>
    public int MaxBulkRows { get; set; } = 100_000;

    /// <summary>Largest bulk request body (100,000 JSON Lines rows fit comfortably).</summary>
    public long MaxBulkBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Rows written per transaction by a bulk upsert: big enough for set-based SQL to pay off, small enough to keep locks short.</summary>
    public int BulkBatchSize { get; set; } = 5_000;

    /// <summary>Product rows saved per transaction by a products bulk upsert (each row is a product and its SKU, saved through EF).</summary>
    public int BulkProductBatchSize { get; set; } = 500;

    /// <summary>Longest JSON Lines row of a bulk request; a longer line is rejected without being parsed.</summary>
    public int MaxBulkLineBytes { get; set; } = 256 * 1024;

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
}
