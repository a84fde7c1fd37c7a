using System.Data.Common;
using System.Text;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>The parts of a full-text match one engine contributes: a join, a predicate and a relevance score.</summary>
internal sealed record TextMatch(string Join, string Predicate, string Relevance);

/// <summary>Which filter a facet family leaves out when it counts (its own).</summary>
internal enum FacetFamily
{
    None,
    Brand,
    Price,
    Attribute,
}

/// <summary>
/// Browse and search as SQL over <c>products</c>, shared by the relational adapters; each engine supplies its
/// dialect (text match, JSON access, parameter types). Every value is a parameter; the only text spliced into
/// SQL is this class's own constants and generated parameter names.
/// </summary>
internal abstract class SqlProductSearch(CatalogDbContext db, IOptions<CatalogOptions> options) : IProductSearch
{
    protected CatalogOptions Limits => options.Value;

    public abstract string Engine { get; }

    protected abstract string ProductsTable { get; }

    protected abstract string CategoriesTable { get; }

    protected abstract object IdValue(Guid id);

    protected abstract object MoneyValue(decimal value);

    protected abstract string FirstImage(string alias);

    protected abstract TextMatch Match(SearchTerms terms, bool fuzzy, SqlText sql);

    protected abstract string AttributeHasAny(AttributeFilter filter, SqlText sql);

    protected abstract string AttributeNumber(string code, SqlText sql);

    /// <summary>A FROM item yielding <c>kv.key, kv.value</c> for every attribute of row <c>m</c>.</summary>
    protected abstract string AttributePairs { get; }

    /// <summary>Reads the newest-sort key in the engine's encoding.</summary>
    protected abstract long ReadTime(DbDataReader reader, int ordinal);

    protected abstract object TimeValue(long encoded);

    protected abstract Task PrepareConnectionAsync(DbConnection connection, SearchTerms terms, CancellationToken cancellationToken);

    protected virtual DbParameter CreateParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    public async Task<SearchResult> SearchAsync(ResolvedQuery query, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await PrepareConnectionAsync(connection, query.Terms, cancellationToken);
            var fuzzy = query.After?.F ?? (!query.Terms.IsEmpty && await FewExactMatchesAsync(connection, query, cancellationToken));
            var hits = await PageAsync(connection, query, fuzzy, cancellationToken);
            var more = hits.Count > query.PageSize;
            if (more)
            {
                hits.RemoveAt(hits.Count - 1);
            }

            var facets = query.WithFacets ? await FacetsAsync(connection, query, fuzzy, cancellationToken) : null;
            return new SearchResult(hits, more, fuzzy, facets);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<bool> FewExactMatchesAsync(DbConnection connection, ResolvedQuery query, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var from = From(query, fuzzy: false, FacetFamily.None, sql, out _);
        sql.Append($"SELECT count(*) FROM (SELECT 1 AS one {from} LIMIT {sql.Add(Limits.TypoFallbackBelow)}) x");
        var count = Convert.ToInt64(await ScalarAsync(connection, sql, cancellationToken));
        return count < Limits.TypoFallbackBelow;
    }

    /// <summary>The FROM and WHERE of the matched set; <paramref name="except"/> leaves one facet family's filter out.</summary>
    private string From(ResolvedQuery resolved, bool fuzzy, FacetFamily except, SqlText sql, out string? relevance, string? exceptAttribute = null)
    {
        var query = resolved.Query;
        var where = new List<string> { "p.min_price IS NOT NULL" };
        var join = "";
        relevance = null;
        if (!resolved.Terms.IsEmpty)
        {
            var match = Match(resolved.Terms, fuzzy, sql);
            join = match.Join;
            where.Add(match.Predicate);
            relevance = match.Relevance;
        }

        if (resolved.Category is { } category)
        {
            where.Add(category.IsLeaf
                ? $"p.category_id = {sql.Add(IdValue(category.Id))}"
                : $"p.category_path LIKE {sql.Add(category.Path + "%")}");
        }

        if (except != FacetFamily.Brand && query.Brands.Count > 0)
        {
            where.Add($"p.brand_id IN ({string.Join(", ", query.Brands.Select(b => sql.Add(IdValue(b))))})");
        }

        if (except != FacetFamily.Price)
        {
            if (query.MinPrice is { } min)
            {
                where.Add($"p.min_price >= {sql.Add(MoneyValue(min))}");
            }

            if (query.MaxPrice is { } max)
            {
                where.Add($"p.min_price <= {sql.Add(MoneyValue(max))}");
            }
        }

        if (query.MinRating is { } rating)
        {
            where.Add($"p.rating_average >= {sql.Add(rating)}");
        }

        if (query.InStock == true)
        {
            where.Add("p.in_stock = TRUE");
        }

        foreach (var filter in query.Attributes)
        {
            if (except == FacetFamily.Attribute && filter.Code == exceptAttribute)
            {
                continue;
            }

            if (filter.Values.Count > 0)
            {
                where.Add(AttributeHasAny(filter, sql));
            }

            if (filter.Min is { } low)
            {
                where.Add($"{AttributeNumber(filter.Code, sql)} >= {sql.Add(low)}");
            }

            if (filter.Max is { } high)
            {
                where.Add($"{AttributeNumber(filter.Code, sql)} <= {sql.Add(high)}");
            }
        }

        return $"FROM {ProductsTable} p {join} WHERE {string.Join(" AND ", where)}";
    }

    private async Task<List<SearchHit>> PageAsync(DbConnection connection, ResolvedQuery query, bool fuzzy, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var from = From(query, fuzzy, FacetFamily.None, sql, out var relevance);
        var sort = query.Query.Sort;
        var (key, descending) = sort switch
        {
            ProductSort.Relevance => ("m.relevance", true),
            ProductSort.PriceAsc => ("m.min_price", false),
            ProductSort.PriceDesc => ("m.min_price", true),
            ProductSort.Rating => ("m.rating_average", true),
            ProductSort.Newest => ("m.created_at", true),
            _ => ("m.popularity", true),
        };
        var columns = $"p.id, p.title, p.brand_id, p.brand_name, p.category_id, p.min_price, p.currency, p.in_stock, p.offer_count, " +
                      $"p.rating_average, p.rating_count, {FirstImage("p")} AS image, p.popularity, p.created_at";
        var rel = relevance ?? "0";

        // For column sorts the subquery is flattened by the planner, so the row comparison and ORDER BY reach the sort indexes.
        sql.Append($"SELECT m.* FROM (SELECT {columns}, {rel} AS relevance {from}) m");
        if (query.After is { } after)
        {
            object keyValue = sort switch
            {
                ProductSort.Newest => TimeValue(after.T ?? 0),
                ProductSort.PriceAsc or ProductSort.PriceDesc => MoneyValue(after.N ?? 0),
                _ => (double)(after.N ?? 0),
            };
            sql.Append($" WHERE ({key}, m.id) {(descending ? "<" : ">")} ({sql.Add(keyValue)}, {sql.Add(IdValue(after.I))})");
        }

        var direction = descending ? " DESC" : "";
        sql.Append($" ORDER BY {key}{direction}, m.id{direction} LIMIT {sql.Add(query.PageSize + 1)}");

        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<SearchHit>(query.PageSize + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            var minPrice = reader.IsDBNull(5) ? (decimal?)null : Convert.ToDecimal(reader.GetValue(5));
            var product = new ProductSummary(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetGuid(4), minPrice, reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetBoolean(7), reader.GetInt32(8),
                reader.GetDouble(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetString(11));
            var (number, time) = sort switch
            {
                ProductSort.Newest => ((decimal?)null, (long?)ReadTime(reader, 13)),
                ProductSort.PriceAsc or ProductSort.PriceDesc => (minPrice, null),
                ProductSort.Rating => (ExactDecimal(reader.GetDouble(9)), null),
                ProductSort.Relevance => (ExactDecimal(Convert.ToDouble(reader.GetValue(14))), null),
                _ => (ExactDecimal(reader.GetDouble(12)), null),
            };
            hits.Add(new SearchHit(product, number, time));
        }

        return hits;
    }

    /// <summary>
    /// A double carried through the cursor as a decimal must convert back to the very same double, or the keyset
    /// comparison would skip or repeat rows; doubles outside decimal's exact range are clamped, which only affects
    /// ties at absurd magnitudes.
    /// </summary>
    private static decimal ExactDecimal(double value) =>
        value >= (double)decimal.MaxValue ? decimal.MaxValue : value <= (double)decimal.MinValue ? decimal.MinValue : decimal.Parse(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ProductFacets> FacetsAsync(DbConnection connection, ResolvedQuery query, bool fuzzy, CancellationToken cancellationToken)
    {
        var cap = Limits.MaxFacetedMatches;
        var approximate = false;

        var countSql = new SqlText();
        countSql.Append($"SELECT count(*) FROM (SELECT 1 AS one {From(query, fuzzy, FacetFamily.None, countSql, out _)} LIMIT {countSql.Add(cap + 1)}) x");
        var matched = Convert.ToInt32(await ScalarAsync(connection, countSql, cancellationToken));
        approximate |= matched > cap;

        var brandRows = await GroupAsync(connection, query, fuzzy, FacetFamily.Brand, null,
            "m.brand_id, max(m.brand_name)", "m.brand_id", cancellationToken);
        var categoryRows = await GroupAsync(connection, query, fuzzy, FacetFamily.None, null,
            $"m.category_id, (SELECT c.name FROM {CategoriesTable} c WHERE c.id = m.category_id)", "m.category_id", cancellationToken);

        var bounds = Limits.EffectivePriceBuckets;
        var bucketSql = new SqlText();
        var cases = string.Join(" ", bounds.Select((b, i) => $"WHEN m.min_price < {bucketSql.Add(MoneyValue(b))} THEN {i}"));
        var priceRows = await GroupAsync(connection, query, fuzzy, FacetFamily.Price, null,
            $"CASE {cases} ELSE {bounds.Count} END, NULL", $"CASE {cases} ELSE {bounds.Count} END", cancellationToken, bucketSql);

        var attributes = new List<AttributeFacet>();
        if (query.FacetAttributes.Count > 0)
        {
            var filtered = query.Query.Attributes.Where(a => a.Values.Count > 0 || a.Min is not null || a.Max is not null).Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
            var counts = new List<(string Key, string Value, int Count)>();
            var unfiltered = query.FacetAttributes.Where(a => !filtered.Contains(a.Code)).Select(a => a.Code).ToList();
            if (unfiltered.Count > 0)
            {
                counts.AddRange(await AttributeCountsAsync(connection, query, fuzzy, null, unfiltered, cancellationToken));
            }

            foreach (var code in query.FacetAttributes.Select(a => a.Code).Where(filtered.Contains))
            {
                counts.AddRange(await AttributeCountsAsync(connection, query, fuzzy, code, [code], cancellationToken));
            }

            foreach (var attribute in query.FacetAttributes)
            {
                var values = counts.Where(c => c.Key == attribute.Code)
                    .OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)
                    .Take(Limits.MaxFacetValues)
                    .Select(c => new FacetValue(c.Value, c.Value, c.Count))
                    .ToList();
                attributes.Add(new AttributeFacet(attribute.Code, attribute.Name, values));
            }
        }

        approximate |= brandRows.Total >= cap || categoryRows.Total >= cap || priceRows.Total >= cap;
        return new ProductFacets(
            Math.Min(matched, cap),
            approximate,
            Top(brandRows.Rows.Where(r => r.Key is not null)),
            Top(categoryRows.Rows.Where(r => r.Key is not null)),
            Enumerable.Range(0, bounds.Count + 1)
                .Select(i => new PriceBucket(i == 0 ? 0 : bounds[i - 1], i < bounds.Count ? bounds[i] : null,
                    priceRows.Rows.Where(r => r.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Sum(r => r.Count)))
                .ToList(),
            attributes);
    }

    private List<FacetValue> Top(IEnumerable<(string? Key, string? Label, int Count)> rows) =>
        rows.OrderByDescending(r => r.Count).ThenBy(r => r.Label, StringComparer.Ordinal)
            .Take(Limits.MaxFacetValues)
            .Select(r => new FacetValue(r.Key!, r.Label ?? r.Key!, r.Count))
            .ToList();

    /// <summary>One facet family: groups the (capped) matched set, with the family's own filter left out.</summary>
    private async Task<(List<(string? Key, string? Label, int Count)> Rows, int Total)> GroupAsync(
        DbConnection connection, ResolvedQuery query, bool fuzzy, FacetFamily except, string? exceptAttribute,
        string select, string groupBy, CancellationToken cancellationToken, SqlText? sql = null)
    {
        sql ??= new SqlText();
        var from = From(query, fuzzy, except, sql, out _, exceptAttribute);
        sql.Append($"SELECT {select}, count(*) FROM (SELECT p.brand_id, p.brand_name, p.category_id, p.min_price {from} LIMIT {sql.Add(Limits.MaxFacetedMatches)}) m GROUP BY {groupBy}");
        var rows = new List<(string?, string?, int)>();
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var total = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var count = Convert.ToInt32(reader.GetValue(2));
            total += count;
            rows.Add((reader.IsDBNull(0) ? null : FormatKey(reader.GetValue(0)), reader.IsDBNull(1) ? null : reader.GetValue(1).ToString(), count));
        }

        return (rows, total);
    }

    private static string FormatKey(object value) => value switch
    {
        Guid g => g.ToString(),
        string s when Guid.TryParse(s, out var g) => g.ToString(),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private async Task<List<(string Key, string Value, int Count)>> AttributeCountsAsync(
        DbConnection connection, ResolvedQuery query, bool fuzzy, string? exceptAttribute, IReadOnlyList<string> codes, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var from = From(query, fuzzy, exceptAttribute is null ? FacetFamily.None : FacetFamily.Attribute, sql, out _, exceptAttribute);
        var keys = string.Join(", ", codes.Select(c => sql.Add(c)));
        sql.Append($"SELECT kv.key, kv.value, count(*) FROM (SELECT p.attributes {from} LIMIT {sql.Add(Limits.MaxFacetedMatches)}) m, {AttributePairs} " +
                   $"WHERE kv.key IN ({keys}) GROUP BY kv.key, kv.value");
        var rows = new List<(string, string, int)>();
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(1))
            {
                rows.Add((reader.GetString(0), Convert.ToString(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) ?? "", Convert.ToInt32(reader.GetValue(2))));
            }
        }

        return rows;
    }

    private async Task<object?> ScalarAsync(DbConnection connection, SqlText sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private DbCommand Command(DbConnection connection, SqlText sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql.ToString();
        foreach (var (name, value) in sql.Parameters)
        {
            command.Parameters.Add(CreateParameter(command, name, value));
        }

        return command;
    }
}

/// <summary>SQL text with its parameters; <see cref="Add"/> returns the placeholder to splice in.</summary>
internal sealed class SqlText
{
    private readonly StringBuilder _text = new();

    public List<(string Name, object Value)> Parameters { get; } = [];

    public string Add(object value)
    {
        var name = $"@p{Parameters.Count}";
        Parameters.Add((name, value));
        return name;
    }

    public SqlText Append(string text)
    {
        _text.Append(text);
        return this;
    }

    public override string ToString() => _text.ToString();
}
