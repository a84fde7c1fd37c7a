using System.Security.Cryptography;
using System.Text.Json;
using Marketplace.Catalog.Caching;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Telemetry;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Catalog.ProductDetail;

/// <summary>A product detail rendered once: its UTF-8 JSON and the strong ETag (hash of those bytes).</summary>
internal sealed record RenderedProduct(byte[] Body, EntityTagHeaderValue ETag);

/// <summary>
/// Holds each product's rendered detail in process memory, so a hit costs a dictionary lookup and a copy of
/// bytes. Entries leave when <see cref="ProductDetailEviction"/> hears the product or one of its offers changed
/// (every replica hears it), or after the configured time to live at the latest.
/// </summary>
internal sealed class ProductDetailCache(RenderedResponses cache, IOptions<CatalogOptions> options, IOptions<JsonOptions> json)
{
    // Evictions bump a counter of the product's stripe; a render that started before an eviction is not cached,
    // so a render racing with a change cannot put the old state back after the eviction.
    private readonly long[] _generations = new long[4096];

    public async Task<RenderedProduct?> GetAsync(Guid productId, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var key = Key(productId);
        var timeToLive = options.Value.ProductDetailCacheTtl;
        if (cache.TryGet(key, out RenderedProduct? cached) && cached is not null)
        {
            PlatformMetrics.CacheLookup("product_detail", hit: true);
            return cached;
        }

        if (timeToLive > TimeSpan.Zero)
        {
            PlatformMetrics.CacheLookup("product_detail", hit: false);
        }

        var stripe = Stripe(productId);
        var generation = Volatile.Read(ref _generations[stripe]);
        var detail = await RenderAsync(productId, db, cancellationToken);
        if (detail is null)
        {
            return null;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(detail, json.Value.SerializerOptions);
        var rendered = new RenderedProduct(body, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body), 0, 16)}\""));
        // A time to live of zero turns the cache off, as it does for listings and offer snapshots.
        if (timeToLive > TimeSpan.Zero && Volatile.Read(ref _generations[stripe]) == generation)
        {
            cache.Set(key, rendered, body.Length, timeToLive);
        }

        return rendered;
    }

    public void Evict(Guid productId)
    {
        Interlocked.Increment(ref _generations[Stripe(productId)]);
        cache.Remove(Key(productId));
    }

    private static (string, Guid) Key(Guid productId) => ("product-detail", productId);

    private int Stripe(Guid productId) => (int)((uint)productId.GetHashCode() % (uint)_generations.Length);

    private static async Task<ProductDetailResponse?> RenderAsync(Guid productId, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var rows = db.IsPostgres ? await ProductDetailRows.ReadPostgresAsync(productId, db, cancellationToken) : await ProductDetailRows.ReadAsync(productId, db, cancellationToken);
        return rows is null ? null : Build(rows);
    }

    internal static ProductDetailResponse Build(ProductDetailRows rows)
    {
        var product = rows.Product;
        var ordered = rows.Offers
            .OrderByDescending(o => o.InStock)
            .ThenBy(o => o.Price)
            .ThenByDescending(o => o.SellerRating)
            .ThenBy(o => o.DispatchDays)
            .ThenBy(o => o.OfferId)
            .ToList();
        return new ProductDetailResponse(
            product.Id, product.Title, product.BrandId, product.BrandName, product.CategoryId, product.CategoryPath, product.DescriptionHtml,
            new SortedDictionary<string, string>(product.Attributes, StringComparer.Ordinal), product.Images,
            ordered.FirstOrDefault(o => o.InStock), ordered,
            rows.Skus.OrderBy(s => s.Code, StringComparer.Ordinal)
                .Select(s => new SkuResponse(s.Id, s.Code, s.Gtin, new SortedDictionary<string, string>(s.Attributes, StringComparer.Ordinal), s.WeightGrams, s.LengthMm, s.WidthMm, s.HeightMm))
                .ToList(),
            new RatingSummary(product.RatingAverage, product.RatingCount, [.. rows.Stars]),
            rows.Links.GroupBy(l => l.Kind).OrderBy(g => g.Key)
                .Select(g => new LinkGroup(g.Key, g.OrderBy(l => l.Title, StringComparer.Ordinal).ThenBy(l => l.Id).Select(l => new LinkedProduct(l.Id, l.Title)).ToList()))
                .ToList(),
            product.Version,
            product.UpdatedAt);
    }
}
