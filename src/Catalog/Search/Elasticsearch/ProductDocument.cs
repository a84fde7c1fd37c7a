using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// A listed product as the search index holds it: what listings filter, sort, count and show. The field names are
/// the index's (see <see cref="ProductIndex.Definition"/>), written explicitly so no serializer setting can rename them.
/// </summary>
internal sealed record ProductDocument(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("brand_id")] Guid? BrandId,
    [property: JsonPropertyName("brand_name")] string? BrandName,
    [property: JsonPropertyName("category_id")] Guid CategoryId,
    [property: JsonPropertyName("category_path")] string CategoryPath,
    [property: JsonPropertyName("description_text")] string DescriptionText,
    [property: JsonPropertyName("attributes_text")] string AttributesText,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, string> Attributes,
    [property: JsonPropertyName("attribute_numbers")] IReadOnlyDictionary<string, string> AttributeNumbers,
    [property: JsonPropertyName("image")] string? Image,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("min_price")] decimal MinPrice,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("in_stock")] bool InStock,
    [property: JsonPropertyName("offer_count")] int OfferCount,
    [property: JsonPropertyName("rating_average")] double RatingAverage,
    [property: JsonPropertyName("rating_count")] int RatingCount,
    [property: JsonPropertyName("popularity")] double Popularity)
{
    public ProductSummary ToSummary() => new(
        Id, Title, BrandId, BrandName, CategoryId, MinPrice, Currency, InStock, OfferCount, RatingAverage, RatingCount, Image);
}

/// <summary>
/// A product row read for the index: its document when it is listed (has a lowest price), and the external version
/// the write carries, which is when the row was read by the database's clock (microseconds since the epoch).
/// Elasticsearch keeps a write only when its version is above the stored one, so of two syncs that read the same
/// product, the one that read it later wins whatever order their writes arrive in; a redelivered message reads
/// the row again and carries a newer version, never older data.
/// </summary>
internal sealed record ProductRow(Guid Id, ProductDocument? Document, long Version);

/// <summary>Reads products from PostgreSQL for the index: by id (the sync, one query per batch) and in id order (reindex).</summary>
internal static partial class ProductRows
{
    private const string Columns = """
        p.title, p.brand_id, p.brand_name, p.category_id, p.category_path, p.description_text, p.attributes_text,
               CAST(p.attributes AS text), p.images ->> 0, p.created_at, p.min_price, p.currency, p.in_stock, p.offer_count,
               p.rating_average, p.rating_count, p.popularity,
               CAST(extract(epoch FROM statement_timestamp()) * 1000000 AS bigint)
        """;

    private const string Select = $"SELECT p.id, {Columns} FROM {CatalogDbContext.Schema}.products p";

    /// <summary>
    /// A row for each of these ids: a document when the product is listed, a delete when it is unlisted or gone. A gone
    /// product's delete carries the version of the same read, by the database's clock, like every other write.
    /// </summary>
    public static async Task<List<ProductRow>> ByIdsAsync(CatalogDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        return await ReadAsync(
            db,
            $"SELECT wanted.id, {Columns} FROM unnest(@ids) AS wanted(id) LEFT JOIN {CatalogDbContext.Schema}.products p ON p.id = wanted.id",
            [new NpgsqlParameter("ids", ids.Distinct().ToArray())],
            cancellationToken);
    }

    /// <summary>The database's clock now: what a rebuild compares <c>updated_at</c> with, as the sync's versions are.</summary>
    public static async Task<DateTimeOffset> DatabaseNowAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        return await db.Database.SqlQueryRaw<DateTimeOffset>("SELECT statement_timestamp() AS \"Value\"").SingleAsync(cancellationToken);
    }

    /// <summary>The products whose row, listing summary or any of whose offers changed at or after <paramref name="since"/>.</summary>
    public static async Task<List<Guid>> ChangedSinceAsync(CatalogDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        return await db.Database.SqlQueryRaw<Guid>(
                $"""
                SELECT id AS "Value" FROM {CatalogDbContext.Schema}.products WHERE updated_at >= @since OR listing_updated_at >= @since
                UNION
                SELECT product_id FROM {CatalogDbContext.Schema}.offers WHERE updated_at >= @since
                """,
                new NpgsqlParameter("since", since))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The next <paramref name="limit"/> listed products after <paramref name="after"/> in id order.</summary>
    public static async Task<List<ProductRow>> ListedAfterAsync(CatalogDbContext db, Guid after, int limit, CancellationToken cancellationToken)
    {
        return await ReadAsync(
            db,
            $"{Select} WHERE p.min_price IS NOT NULL AND p.id > @after ORDER BY p.id LIMIT @limit",
            [new NpgsqlParameter("after", after), new NpgsqlParameter("limit", limit)],
            cancellationToken);
    }

    public static Task<int> CountListedAsync(CatalogDbContext db, CancellationToken cancellationToken) =>
        db.Products.CountAsync(p => p.MinPrice != null, cancellationToken);

    private static Task<List<ProductRow>> ReadAsync(CatalogDbContext db, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken) =>
        db.ReadRawAsync(sql, parameters, async reader =>
        {
            var rows = new List<ProductRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(Read(reader));
            }

            return rows;
        }, cancellationToken);

    private static ProductRow Read(DbDataReader reader)
    {
        var id = reader.GetGuid(0);
        var version = reader.GetInt64(18);
        if (reader.IsDBNull(11))
        {
            return new ProductRow(id, null, version);
        }

        var attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(8)) ?? [];
        var document = new ProductDocument(
            id,
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetGuid(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.GetGuid(4),
            reader.GetString(5),
            reader.GetString(6),
            reader.GetString(7),
            attributes,
            Numbers(attributes),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.GetFieldValue<DateTimeOffset>(10),
            reader.GetDecimal(11),
            reader.IsDBNull(12) ? null : reader.GetString(12),
            reader.GetBoolean(13),
            reader.GetInt32(14),
            reader.GetDouble(15),
            reader.GetInt32(16),
            reader.GetDouble(17));
        return new ProductRow(id, document, version);
    }

    /// <summary>The attribute values that read as numbers (by the same rule the SQL adapter's numeric filter uses), as <see cref="SortableNumber"/>s.</summary>
    private static Dictionary<string, string> Numbers(Dictionary<string, string> attributes) =>
        attributes.Where(a => NumberText().IsMatch(a.Value))
            .ToDictionary(a => a.Key, a => SortableNumber(double.Parse(a.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture)), StringComparer.Ordinal);

    /// <summary>
    /// A number as 16 hex digits whose order as text is the number's order, for the <c>flattened</c> field
    /// <c>attribute_numbers</c>, whose values are keywords: a range query on <c>attribute_numbers.{code}</c> with two such
    /// bounds is a numeric range. The bits of a double compare as the number does once a positive one has its sign bit
    /// set and a negative one has all its bits flipped. Minus zero is taken as zero.
    /// </summary>
    public static string SortableNumber(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0 : value);
        return ((bits & (1UL << 63)) == 0 ? bits | (1UL << 63) : ~bits).ToString("X16", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*-?[0-9]+(\.[0-9]+)?\s*$")]
    private static partial Regex NumberText();
}
