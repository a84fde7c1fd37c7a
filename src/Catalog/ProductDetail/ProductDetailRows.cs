using System.Data.Common;
using System.Text.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Marketplace.Catalog.ProductDetail;

/// <summary>A linked product as the detail lists it.</summary>
internal sealed record LinkRow(LinkKind Kind, Guid Id, string Title);

/// <summary>
/// Everything a product page shows, as read from the database: the product (with its published reviews counted per
/// star, one to five, kept on its row), its SKUs, its offers with their sellers, and its links. On PostgreSQL it is one statement (one round trip: the related rows come
/// back as JSON arrays in the product's row); elsewhere one query per part. Each offer's seller is looked up by key:
/// joined plainly, the planner hashed the whole sellers table for every page (the table is small, so it looks cheap),
/// which cost a fifth of the statement's throughput at 1M SKUs; <c>OFFSET 0</c> keeps the lateral lookup from being
/// flattened back into that join.
/// </summary>
internal sealed record ProductDetailRows(
    Product Product, IReadOnlyList<Sku> Skus, IReadOnlyList<OfferResponse> Offers, IReadOnlyList<LinkRow> Links, IReadOnlyList<int> Stars)
{
    private const string Schema = CatalogDbContext.Schema;

    private static readonly string PostgresSql = $"""
        SELECT p.id, p.title, p.brand_id, p.brand_name, p.category_id, p.category_path, p.description_html, p.attributes::text, p.images::text,
               p.rating_average, p.rating_count, p.version, p.updated_at,
               (SELECT coalesce(json_agg(json_build_array(s.id, s.code, s.gtin, s.attributes, s.weight_grams, s.length_mm, s.width_mm, s.height_mm)), '[]')
                  FROM {Schema}.skus s WHERE s.product_id = p.id)::text,
               (SELECT coalesce(json_agg(json_build_array(o.id, o.sku_id, o.seller_id, se.name, se.rating, o.price, o.currency, o.stock, o.dispatch_days, se.on_time_dispatch_rate)), '[]')
                  FROM {Schema}.offers o
                  LEFT JOIN LATERAL (SELECT s.name, s.rating, s.on_time_dispatch_rate FROM {Schema}.sellers s WHERE s.id = o.seller_id OFFSET 0) se ON true
                  WHERE o.product_id = p.id)::text,
               (SELECT coalesce(json_agg(json_build_array(l.kind, lp.id, lp.title)), '[]')
                  FROM {Schema}.product_links l JOIN {Schema}.products lp ON lp.id = l.linked_product_id WHERE l.product_id = p.id)::text,
               p.rating_stars1, p.rating_stars2, p.rating_stars3, p.rating_stars4, p.rating_stars5
        FROM {Schema}.products p WHERE p.id = @id
        """;

    /// <summary>The product's page in one round trip (PostgreSQL).</summary>
    public static Task<ProductDetailRows?> ReadPostgresAsync(Guid productId, CatalogDbContext db, CancellationToken cancellationToken) =>
        db.ReadRawAsync(
            PostgresSql,
            [new NpgsqlParameter("id", productId)],
            async reader => await reader.ReadAsync(cancellationToken) ? Read(reader) : null,
            cancellationToken);

    /// <summary>The page's one row: the product's columns, then its SKUs, offers and links as JSON arrays, then the star histogram.</summary>
    private static ProductDetailRows Read(DbDataReader reader)
    {
        var product = new Product
        {
            Id = reader.GetGuid(0),
            Title = reader.GetString(1),
            BrandId = reader.IsDBNull(2) ? null : reader.GetGuid(2),
            BrandName = reader.IsDBNull(3) ? null : reader.GetString(3),
            CategoryId = reader.GetGuid(4),
            CategoryPath = reader.GetString(5),
            DescriptionHtml = reader.IsDBNull(6) ? "" : reader.GetString(6),
            Attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7)) ?? [],
            Images = JsonSerializer.Deserialize<List<string>>(reader.GetString(8)) ?? [],
            RatingAverage = reader.GetDouble(9),
            RatingCount = reader.GetInt32(10),
            Version = reader.GetInt32(11),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(12),
        };
        return new ProductDetailRows(
            product,
            Rows(reader.GetString(13), r => new Sku
            {
                Id = r[0].GetGuid(), ProductId = product.Id, Code = r[1].GetString()!, Gtin = r[2].GetString(),
                Attributes = r[3].Deserialize<Dictionary<string, string>>() ?? [],
                WeightGrams = r[4].GetInt32(), LengthMm = r[5].GetInt32(), WidthMm = r[6].GetInt32(), HeightMm = r[7].GetInt32(),
            }),
            Rows(reader.GetString(14), r => new OfferResponse(
                r[0].GetGuid(), r[1].GetGuid(), r[2].GetGuid(), r[3].GetString(), r[4].ValueKind == JsonValueKind.Null ? 0 : r[4].GetDouble(),
                r[5].GetDecimal(), r[6].GetString()!, r[7].GetInt32() > 0, r[7].GetInt32(), r[8].GetInt32())
            {
                SellerOnTimeDispatchRate = r[9].ValueKind == JsonValueKind.Null ? null : r[9].GetDouble(),
            }),
            Rows(reader.GetString(15), r => new LinkRow(Enum.Parse<LinkKind>(r[0].GetString()!), r[1].GetGuid(), r[2].GetString()!)),
            [reader.GetInt32(16), reader.GetInt32(17), reader.GetInt32(18), reader.GetInt32(19), reader.GetInt32(20)]);
    }

    /// <summary>The product's page, one query per part (any engine).</summary>
    public static async Task<ProductDetailRows?> ReadAsync(Guid productId, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().Include(p => p.Skus).AsSplitQuery().FirstOrDefaultAsync(p => p.Id == productId, cancellationToken);
        if (product is null)
        {
            return null;
        }

        var offers = await (
                from offer in db.Offers.AsNoTracking()
                where offer.ProductId == productId
                join seller in db.Sellers on offer.SellerId equals seller.Id into sellers
                from seller in sellers.DefaultIfEmpty()
                select new { offer, SellerName = seller == null ? null : seller.Name, SellerRating = seller == null ? 0 : seller.Rating, OnTime = seller == null ? null : seller.OnTimeDispatchRate })
            .ToListAsync(cancellationToken);
        var links = await (
                from link in db.ProductLinks.AsNoTracking()
                where link.ProductId == productId
                join linked in db.Products on link.LinkedProductId equals linked.Id
                select new LinkRow(link.Kind, linked.Id, linked.Title))
            .ToListAsync(cancellationToken);
        return new ProductDetailRows(
            product,
            product.Skus,
            offers.Select(o => new OfferResponse(o.offer.Id, o.offer.SkuId, o.offer.SellerId, o.SellerName, o.SellerRating, o.offer.Price, o.offer.Currency, o.offer.Stock > 0, o.offer.Stock, o.offer.DispatchDays)
            {
                SellerOnTimeDispatchRate = o.OnTime,
            }).ToList(),
            links,
            [product.RatingStars1, product.RatingStars2, product.RatingStars3, product.RatingStars4, product.RatingStars5]);
    }

    private static List<T> Rows<T>(string json, Func<JsonElement[], T> read)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(row => read([.. row.EnumerateArray()])).ToList();
    }
}
