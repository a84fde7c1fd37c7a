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
            var (hits, fuzzy) = await FirstMatchingPageAsync(connection, query, cancellationToken);
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

    /// <summary>
    /// The page, on the exact words or (when they match too few products) with the typo fallback. A later page keeps
    /// the choice its cursor recorded. When a page can hold the whole threshold, the exact page itself tells whether
    /// few products match, which saves the separate probe (one more full-text index scan) on most searches.
    /// </summary>
    private async Task<(List<SearchHit> Hits, bool Fuzzy)> FirstMatchingPageAsync(DbConnection connection, ResolvedQuery query, CancellationToken cancellationToken)
    {
        if (query.After is { } after)
        {
            return (await PageAsync(connection, query, after.F, cancellationToken), after.F);
        }

        if (query.Terms.IsEmpty)
        {
            return (await PageAsync(connection, query, fuzzy: false, cancellationToken), false);
        }

        if (query.PageSize + 1 < Limits.TypoFallbackBelow)
        {
            var few = await FewExactMatchesAsync(connection, query, cancellationToken);
            return (await PageAsync(connection, query, few, cancellationToken), few);
        }

        var exact = await PageAsync(connection, query, fuzzy: false, cancellationToken);
        return exact.Count >= Limits.TypoFallbackBelow
            ? (exact, false)
            : (await PageAsync(connection, query, fuzzy: true, cancellationToken), true);
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
        // Relevance has no index order: every match must be read and scored, so a word found in a large part of the
        // catalog would read most of it. Only the first MaxRankedMatches matches are scored (the typical search matches fewer).
        var cap = sort == ProductSort.Relevance ? $" LIMIT {sql.Add(Limits.MaxRankedMatches)}" : "";
        sql.Append($"SELECT m.* FROM (SELECT {columns}, {rel} AS relevance {from}{cap}) m");
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

    /// <summary>
    /// Facets in as few statements as the filters allow: the families whose own filter is not in use share one
    /// statement that reads the (capped) matched set once into a CTE and groups it per family (UNION ALL); each family
    /// whose filter is in use gets a statement of its own over the set without that filter.
    /// </summary>
    private async Task<ProductFacets> FacetsAsync(DbConnection connection, ResolvedQuery query, bool fuzzy, CancellationToken cancellationToken)
    {
        var filters = query.Query;
        var brandFiltered = filters.Brands.Count > 0;
        var priceFiltered = filters.MinPrice is not null || filters.MaxPrice is not null;
        var filteredAttributes = filters.Attributes.Where(a => a.Values.Count > 0 || a.Min is not null || a.Max is not null)
            .Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        var codes = query.FacetAttributes.Select(a => a.Code).ToList();

        var rows = new List<FacetRow>();
        rows.AddRange(await FacetRowsAsync(connection, query, fuzzy, FacetFamily.None, null,
            category: true, brand: !brandFiltered, price: !priceFiltered, codes.Where(c => !filteredAttributes.Contains(c)).ToList(), cancellationToken));
        if (brandFiltered)
        {
            rows.AddRange(await FacetRowsAsync(connection, query, fuzzy, FacetFamily.Brand, null, false, true, false, [], cancellationToken));
        }

        if (priceFiltered)
        {
            rows.AddRange(await FacetRowsAsync(connection, query, fuzzy, FacetFamily.Price, null, false, false, true, [], cancellationToken));
        }

        foreach (var code in codes.Where(filteredAttributes.Contains))
        {
            rows.AddRange(await FacetRowsAsync(connection, query, fuzzy, FacetFamily.Attribute, code, false, false, false, [code], cancellationToken));
        }

        var cap = Limits.MaxFacetedMatches;
        var bounds = Limits.EffectivePriceBuckets;
        var matched = rows.Where(r => r.Family == "c").Sum(r => r.Count);
        var approximate = matched >= cap
            || rows.Where(r => r.Family == "b").Sum(r => r.Count) >= cap
            || rows.Where(r => r.Family == "p").Sum(r => r.Count) >= cap;
        return new ProductFacets(
            matched,
            approximate,
            Top(rows.Where(r => r.Family == "b" && r.Key is not null)),
            Top(rows.Where(r => r.Family == "c" && r.Key is not null)),
            Enumerable.Range(0, bounds.Count + 1)
                .Select(i => new PriceBucket(i == 0 ? 0 : bounds[i - 1], i < bounds.Count ? bounds[i] : null,
                    rows.Where(r => r.Family == "p" && r.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Sum(r => r.Count)))
                .ToList(),
            query.FacetAttributes
                .Select(a => new AttributeFacet(a.Code, a.Name, rows.Where(r => r.Family == "a:" + a.Code && r.Key is not null)
                    .OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal)
                    .Take(Limits.MaxFacetValues)
                    .Select(r => new FacetValue(r.Key!, r.Key!, r.Count))
                    .ToList()))
                .ToList());
    }

    private List<FacetValue> Top(IEnumerable<FacetRow> rows) =>
        rows.OrderByDescending(r => r.Count).ThenBy(r => r.Label, StringComparer.Ordinal)
            .Take(Limits.MaxFacetValues)
            .Select(r => new FacetValue(r.Key!, r.Label ?? r.Key!, r.Count))
            .ToList();

    private sealed record FacetRow(string Family, string? Key, string? Label, int Count);

    private async Task<List<FacetRow>> FacetRowsAsync(
        DbConnection connection, ResolvedQuery query, bool fuzzy, FacetFamily except, string? exceptAttribute,
        bool category, bool brand, bool price, List<string> attributeCodes, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var from = From(query, fuzzy, except, sql, out _, exceptAttribute);
        var groups = new List<string>();
        if (category)
        {
            groups.Add($"SELECT 'c' AS family, CAST(m.category_id AS TEXT) AS key, (SELECT c.name FROM {CategoriesTable} c WHERE c.id = m.category_id) AS label, count(*) AS n FROM m GROUP BY m.category_id");
        }

        if (brand)
        {
            groups.Add("SELECT 'b', CAST(m.brand_id AS TEXT), max(m.brand_name), count(*) FROM m GROUP BY m.brand_id");
        }

        if (price)
        {
            var bounds = Limits.EffectivePriceBuckets;
            var cases = string.Join(" ", bounds.Select((b, i) => $"WHEN m.min_price < {sql.Add(MoneyValue(b))} THEN '{i}'"));
            groups.Add($"SELECT 'p', CASE {cases} ELSE '{bounds.Count}' END, NULL, count(*) FROM m GROUP BY 2");
        }

        if (attributeCodes.Count > 0)
        {
            var keys = string.Join(", ", attributeCodes.Select(c => sql.Add(c)));
            groups.Add($"SELECT 'a:' || kv.key, CAST(kv.value AS TEXT), NULL, count(*) FROM m, {AttributePairs} WHERE kv.key IN ({keys}) GROUP BY kv.key, kv.value");
        }

        if (groups.Count == 0)
        {
            return [];
        }

        sql.Append($"WITH m AS MATERIALIZED (SELECT p.brand_id, p.brand_name, p.category_id, p.min_price, p.attributes {from} LIMIT {sql.Add(Limits.MaxFacetedMatches)}) ");
        sql.Append(string.Join(" UNION ALL ", groups));
        var rows = new List<FacetRow>();
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.IsDBNull(1) ? null : reader.GetString(1);
            rows.Add(new FacetRow(
                reader.GetString(0),
                key is not null && Guid.TryParse(key, out var id) ? id.ToString() : key,
                reader.IsDBNull(2) ? null : reader.GetString(2),
                Convert.ToInt32(reader.GetValue(3))));
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
