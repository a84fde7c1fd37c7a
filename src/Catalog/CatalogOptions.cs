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

    public int MaxReviewLength { get; set; } = 5_000;

    /// <summary>Most cross-links one product may carry.</summary>
    public int MaxLinksPerProduct { get; set; } = 50;

    /// <summary>How long a rendered product detail stays in the in-process cache when no event evicts it first.</summary>
    public TimeSpan ProductDetailCacheTtl { get; set; } = TimeSpan.FromMinutes(5);
}
