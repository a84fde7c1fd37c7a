using System.Data.Common;
using System.Text;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>The parts of a full-text match one engine contributes: a join, a predicate and a relevance score.</summary>
internal sealed record TextMatch(string Join, string Predicate, string Relevance);

/// <summary>
/// A group of facet counts. Brand, price and attribute counts leave out their own filter when it is in use;
/// category counts never do; <see cref="None"/> leaves no filter out.
/// </summary>
internal enum FacetFamily
{
    None,
    Brand,
    Price,
    Attribute,
    Category,
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

    protected abstract TextMatch Match(SearchTerms terms, MatchMode mode, SqlText sql);

    protected abstract string AttributeHasAny(AttributeFilter filter, SqlText sql);

    protected abstract string AttributeNumber(string code, SqlText sql);

    /// <summary>A FROM item yielding <c>kv.key, kv.value</c> for every attribute of row <c>m</c>.</summary>
    protected abstract string AttributePairs { get; }

    /// <summary>Reads the newest-sort key in the engine's encoding.</summary>
    protected abstract long ReadTime(DbDataReader reader, int ordinal);

    protected abstract object TimeValue(long encoded);

    /// <summary>Readies the connection for a search without a round trip (registering functions, for example).</summary>
    protected virtual Task PrepareConnectionAsync(DbConnection connection, SearchTerms terms, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A statement of session settings the engine wants before a search's first query, or null. It is sent with that
    /// query, in the same round trip, and must return one row (its result is skipped).
    /// </summary>
    protected virtual string? SessionPrelude => null;

    private bool _preludeSent;

    /// <summary>The terms with <see cref="SearchTerms.Corrections"/> for the typo fallback, where the engine looks them up first.</summary>
    protected virtual Task<SearchTerms> CorrectAsync(DbConnection connection, SearchTerms terms, CancellationToken cancellationToken) =>
        Task.FromResult(terms);

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
            _preludeSent = false;
            await PrepareConnectionAsync(connection, query.Terms, cancellationToken);
            var (page, mode, matched) = await FirstMatchingPageAsync(connection, query, cancellationToken);
            query = matched;
            var hits = page.Hits;
            var more = hits.Count > query.PageSize;
            if (more)
            {
                hits.RemoveAt(hits.Count - 1);
            }

            var facets = query.WithFacets ? await FacetsAsync(connection, query, mode, page.Facets, cancellationToken) : null;
            return new SearchResult(hits, more, mode, facets);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The page in the first <see cref="MatchMode"/> that finds enough products (<see cref="CatalogOptions.TypoFallbackBelow"/>).
    /// Whole words come first because they are both the most precise and the cheapest: a prefix reads every
    /// index entry that starts with the last word, and the typo fallback compares trigrams. When a page can hold the
    /// whole threshold, the page itself tells whether the mode found enough; otherwise a bounded count probes first.
    /// A later page keeps the mode its cursor recorded.
    /// </summary>
    private async Task<((List<SearchHit> Hits, List<FacetRow>? Facets) Page, MatchMode Mode, ResolvedQuery Query)> FirstMatchingPageAsync(DbConnection connection, ResolvedQuery query, CancellationToken cancellationToken)
    {
        if (query.After is { } after)
        {
            if (after.Mode == MatchMode.Typo)
            {
                query = query with { Terms = await CorrectAsync(connection, query.Terms, cancellationToken) };
            }

            return (await PageAsync(connection, query, after.Mode, cancellationToken), after.Mode, query);
        }

        if (query.Terms.IsEmpty)
        {
            return (await PageAsync(connection, query, MatchMode.Words, cancellationToken), MatchMode.Words, query);
        }

        foreach (var mode in (MatchMode[])[MatchMode.Words, MatchMode.Prefix])
        {
            if (query.PageSize + 1 < Limits.TypoFallbackBelow)
            {
                if (!await FewMatchesAsync(connection, query, mode, cancellationToken))
                {
                    return (await PageAsync(connection, query, mode, cancellationToken), mode, query);
                }

                continue;
            }

            var page = await PageAsync(connection, query, mode, cancellationToken);
            if (page.Hits.Count >= Limits.TypoFallbackBelow)
            {
                return (page, mode, query);
            }
        }

        var corrected = query with { Terms = await CorrectAsync(connection, query.Terms, cancellationToken) };
        return (await PageAsync(connection, corrected, MatchMode.Typo, cancellationToken), MatchMode.Typo, corrected);
    }

    private async Task<bool> FewMatchesAsync(DbConnection connection, ResolvedQuery query, MatchMode mode, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var from = From(query, mode, FacetFamily.None, sql, out _);
        sql.Append($"SELECT count(*) FROM (SELECT 1 AS one {from} LIMIT {sql.Add(Limits.TypoFallbackBelow)}) x");
        var count = Convert.ToInt64(await ScalarAsync(connection, sql, cancellationToken));
        return count < Limits.TypoFallbackBelow;
    }

    /// <summary>The FROM and WHERE of the matched set; <paramref name="except"/> leaves one facet family's filter out.</summary>
    private string From(ResolvedQuery resolved, MatchMode mode, FacetFamily except, SqlText sql, out string? relevance, string? exceptAttribute = null)
    {
        var query = resolved.Query;
        var where = new List<string> { "p.min_price IS NOT NULL" };
        var join = "";
        relevance = null;
        if (!resolved.Terms.IsEmpty)
        {
            var match = Match(resolved.Terms, mode, sql);
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

    private const string ListingColumns =
        "id, title, brand_id, brand_name, category_id, min_price, currency, in_stock, offer_count, rating_average, rating_count, image, popularity, created_at, relevance";

    private string ListingSelect(string? relevance) =>
        $"p.id, p.title, p.brand_id, p.brand_name, p.category_id, p.min_price, p.currency, p.in_stock, p.offer_count, " +
        $"p.rating_average, p.rating_count, {FirstImage("p")} AS image, p.popularity, p.created_at, {relevance ?? "0"} AS relevance";

    /// <summary>
    /// One page of the listing. On the first page of a relevance-sorted search with facets, the page and the facet
    /// families whose filters are not in use come from one statement over one read of the matched set (see
    /// <see cref="SharedPageAndFacetsAsync"/>); <c>Facets</c> is null when they were not counted.
    /// </summary>
    private async Task<(List<SearchHit> Hits, List<FacetRow>? Facets)> PageAsync(DbConnection connection, ResolvedQuery query, MatchMode mode, CancellationToken cancellationToken)
    {
        if (query.WithFacets && query.After is null && query.Query.Sort == ProductSort.Relevance && !query.Terms.IsEmpty)
        {
            return await SharedPageAndFacetsAsync(connection, query, mode, cancellationToken);
        }

        var sql = new SqlText();
        var from = From(query, mode, FacetFamily.None, sql, out var relevance);
        var sort = query.Query.Sort;
        var (key, descending) = SortKey(sort);

        // For column sorts the subquery is flattened by the planner, so the row comparison and ORDER BY reach the sort indexes.
        // Relevance has no index order: every match must be read and scored, so a word found in a large part of the
        // catalog would read most of it. Only the first MaxRankedMatches matches are scored (the typical search matches fewer).
        var cap = sort == ProductSort.Relevance ? $" LIMIT {sql.Add(Limits.MaxRankedMatches)}" : "";
        sql.Append($"SELECT m.* FROM (SELECT {ListingSelect(relevance)} {from}{cap}) m");
        if (query.After is { } after)
        {
            object keyValue = sort switch
            {
                ProductSort.Newest => TimeValue(after.SortTime ?? 0),
                ProductSort.PriceAsc or ProductSort.PriceDesc => MoneyValue(after.SortNumber ?? 0),
                _ => ExactNumbers.ToDouble(after.SortNumber ?? 0),
            };
            sql.Append($" WHERE ({key}, m.id) {(descending ? "<" : ">")} ({sql.Add(keyValue)}, {sql.Add(IdValue(after.LastId))})");
        }

        var direction = descending ? " DESC" : "";
        sql.Append($" ORDER BY {key}{direction}, m.id{direction} LIMIT {sql.Add(query.PageSize + 1)}");

        // A browse's first page (no words, so no match mode to fall back from) brings its main facet families in the
        // same round trip, as a second statement.
        var withFacets = query.WithFacets && query.After is null && query.Terms.IsEmpty && AppendMainFacets(query, mode, sql);
        await using var command = Command(connection, sql);
        await using var reader = await ReaderAsync(command, cancellationToken);
        var hits = new List<SearchHit>(query.PageSize + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(ReadHit(reader, new ListingOrdinals(First: 0), sort));
        }

        if (!withFacets)
        {
            return (hits, null);
        }

        await reader.NextResultAsync(cancellationToken);
        var facets = new List<FacetRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            facets.Add(ReadFacetRow(reader));
        }

        return (hits, facets);
    }

    /// <summary>Appends, as a statement of its own, the facet families counted over the fully filtered set; false when there are none.</summary>
    private bool AppendMainFacets(ResolvedQuery query, MatchMode mode, SqlText sql)
    {
        var (brand, price, codes) = MainFacetFamilies(query);
        sql.Append("; ");
        return AppendFacetRows(query, mode, FacetFamily.None, null, category: true, brand, price, codes, sql);
    }

    /// <summary>
    /// The first page of a relevance-sorted search and its main facet families in one statement: the matched set (its
    /// first MaxRankedMatches) is read once, the most expensive part of a search that matches thousands of products,
    /// into a CTE that both the page (its best <c>PageSize + 1</c>) and the facet counts read. Page rows come back with
    /// family <c>h</c>, facet rows with their family, in one result.
    /// </summary>
    private async Task<(List<SearchHit> Hits, List<FacetRow>? Facets)> SharedPageAndFacetsAsync(DbConnection connection, ResolvedQuery query, MatchMode mode, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        var from = From(query, mode, FacetFamily.None, sql, out var relevance);
        var (brand, price, codes) = MainFacetFamilies(query);
        var groups = FacetGroups(query, category: true, brand: brand, price: price, attributeCodes: codes, sql);
        var padding = string.Concat(Enumerable.Repeat(", NULL", ListingColumns.Split(',').Length));
        sql.Append($"WITH m AS MATERIALIZED (SELECT {ListingSelect(relevance)}, p.attributes {from} LIMIT {sql.Add(FacetCap(query))}) ");
        sql.Append($"SELECT '{PageRow}' AS family, NULL AS key, NULL AS label, 0 AS n, h.* FROM (SELECT {ListingColumns} FROM m ");
        // Ties in relevance fall back to id, both descending, as a later page's keyset does.
        sql.Append($"ORDER BY relevance DESC, id DESC LIMIT {sql.Add(query.PageSize + 1)}) h");
        foreach (var group in groups)
        {
            sql.Append($" UNION ALL SELECT g.*{padding} FROM ({group}) g");
        }

        var hits = new List<SearchHit>(query.PageSize + 1);
        var facets = new List<FacetRow>();
        var listing = new ListingOrdinals(First: FacetRowColumns);
        await using var command = Command(connection, sql);
        await using var reader = await ReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(FacetOrdinals.Family) == PageRow)
            {
                hits.Add(ReadHit(reader, listing, ProductSort.Relevance));
            }
            else
            {
                facets.Add(ReadFacetRow(reader));
            }
        }

        return (hits, facets);
    }

    private static (string Key, bool Descending) SortKey(ProductSort sort) => sort switch
    {
        ProductSort.Relevance => ("m.relevance", true),
        ProductSort.PriceAsc => ("m.min_price", false),
        ProductSort.PriceDesc => ("m.min_price", true),
        ProductSort.Rating => ("m.rating_average", true),
        ProductSort.Newest => ("m.created_at", true),
        _ => ("m.popularity", true),
    };

    /// <summary>
    /// Where each of <see cref="ListingColumns"/> sits in a result whose listing columns start at <paramref name="First"/>;
    /// the offsets follow the order of <see cref="ListingColumns"/> and <see cref="ListingSelect"/>.
    /// </summary>
    private readonly record struct ListingOrdinals(int First)
    {
        public int Id => First;
        public int Title => First + 1;
        public int BrandId => First + 2;
        public int BrandName => First + 3;
        public int CategoryId => First + 4;
        public int MinPrice => First + 5;
        public int Currency => First + 6;
        public int InStock => First + 7;
        public int OfferCount => First + 8;
        public int RatingAverage => First + 9;
        public int RatingCount => First + 10;
        public int Image => First + 11;
        public int Popularity => First + 12;
        public int CreatedAt => First + 13;
        public int Relevance => First + 14;
    }

    /// <summary>Reads one listing row at <paramref name="at"/>, with the key it was sorted by.</summary>
    private SearchHit ReadHit(DbDataReader reader, ListingOrdinals at, ProductSort sort)
    {
        var minPrice = reader.IsDBNull(at.MinPrice) ? (decimal?)null : Convert.ToDecimal(reader.GetValue(at.MinPrice));
        var product = new ProductSummary(
            reader.GetGuid(at.Id),
            reader.GetString(at.Title),
            reader.IsDBNull(at.BrandId) ? null : reader.GetGuid(at.BrandId),
            reader.IsDBNull(at.BrandName) ? null : reader.GetString(at.BrandName),
            reader.GetGuid(at.CategoryId),
            minPrice,
            reader.IsDBNull(at.Currency) ? null : reader.GetString(at.Currency),
            reader.GetBoolean(at.InStock),
            reader.GetInt32(at.OfferCount),
            reader.GetDouble(at.RatingAverage),
            reader.GetInt32(at.RatingCount),
            reader.IsDBNull(at.Image) ? null : reader.GetString(at.Image));
        var (number, time) = sort switch
        {
            ProductSort.Newest => ((decimal?)null, (long?)ReadTime(reader, at.CreatedAt)),
            ProductSort.PriceAsc or ProductSort.PriceDesc => (minPrice, null),
            ProductSort.Rating => (ExactNumbers.ToDecimal(reader.GetDouble(at.RatingAverage)), null),
            ProductSort.Relevance => (ExactNumbers.ToDecimal(Convert.ToDouble(reader.GetValue(at.Relevance))), null),
            _ => (ExactNumbers.ToDecimal(reader.GetDouble(at.Popularity)), null),
        };
        return new SearchHit(product, number, time);
    }

    /// <summary>
    /// Facets in as few statements as the filters allow: the families whose own filter is not in use share one
    /// statement that reads the (capped) matched set once into a CTE and groups it per family (UNION ALL); each family
    /// whose filter is in use gets a statement of its own over the set without that filter.
    /// </summary>
    private async Task<ProductFacets> FacetsAsync(DbConnection connection, ResolvedQuery query, MatchMode mode, List<FacetRow>? counted, CancellationToken cancellationToken)
    {
        var (brandInMain, priceInMain, unfiltered) = MainFacetFamilies(query);
        var rows = counted ?? await FacetRowsAsync(connection, query, mode, except: FacetFamily.None, exceptAttribute: null,
            category: true, brand: brandInMain, price: priceInMain, attributeCodes: unfiltered, cancellationToken);
        if (!brandInMain)
        {
            rows.AddRange(await FacetRowsAsync(connection, query, mode, except: FacetFamily.Brand, exceptAttribute: null,
                category: false, brand: true, price: false, attributeCodes: [], cancellationToken));
        }

        if (!priceInMain)
        {
            rows.AddRange(await FacetRowsAsync(connection, query, mode, except: FacetFamily.Price, exceptAttribute: null,
                category: false, brand: false, price: true, attributeCodes: [], cancellationToken));
        }

        foreach (var code in query.FacetAttributes.Select(a => a.Code).Where(c => !unfiltered.Contains(c)))
        {
            rows.AddRange(await FacetRowsAsync(connection, query, mode, except: FacetFamily.Attribute, exceptAttribute: code,
                category: false, brand: false, price: false, attributeCodes: [code], cancellationToken));
        }

        var cap = FacetCap(query);
        var bounds = Limits.EffectivePriceBuckets;
        var matched = rows.Where(r => r.Family == FacetFamily.Category).Sum(r => r.Count);
        var approximate = matched >= cap
            || rows.Where(r => r.Family == FacetFamily.Brand).Sum(r => r.Count) >= cap
            || rows.Where(r => r.Family == FacetFamily.Price).Sum(r => r.Count) >= cap;
        return new ProductFacets(
            matched,
            approximate,
            Top(rows.Where(r => r.Family == FacetFamily.Brand && r.Key is not null)),
            Top(rows.Where(r => r.Family == FacetFamily.Category && r.Key is not null)),
            Enumerable.Range(0, bounds.Count + 1)
                .Select(i => new PriceBucket(i == 0 ? 0 : bounds[i - 1], i < bounds.Count ? bounds[i] : null,
                    rows.Where(r => r.Family == FacetFamily.Price && r.Key == i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Sum(r => r.Count)))
                .ToList(),
            query.FacetAttributes
                .Select(a => new AttributeFacet(a.Code, a.Name, rows.Where(r => r.Family == FacetFamily.Attribute && r.AttributeCode == a.Code && r.Key is not null)
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

    /// <summary>One facet count; <see cref="AttributeCode"/> names the attribute of an <see cref="FacetFamily.Attribute"/> row.</summary>
    private sealed record FacetRow(FacetFamily Family, string? AttributeCode, string? Key, string? Label, int Count);

    /// <summary>The family column of a page row in <see cref="SharedPageAndFacetsAsync"/>'s result, which no facet family uses.</summary>
    private const string PageRow = "h";

    /// <summary>The family codes facet rows carry in SQL; an attribute's code follows its prefix.</summary>
    private const string CategoryCode = "c", BrandCode = "b", PriceCode = "p", AttributePrefix = "a:";

    private static (FacetFamily Family, string? AttributeCode) FamilyOf(string code) => code switch
    {
        CategoryCode => (FacetFamily.Category, null),
        BrandCode => (FacetFamily.Brand, null),
        PriceCode => (FacetFamily.Price, null),
        _ when code.StartsWith(AttributePrefix, StringComparison.Ordinal) => (FacetFamily.Attribute, code[AttributePrefix.Length..]),
        _ => throw new InvalidOperationException($"Unknown facet family code '{code}'."),
    };

    /// <summary>The columns every facet row has, in order, ahead of the listing columns in a shared result.</summary>
    private static class FacetOrdinals
    {
        public const int Family = 0, Key = 1, Label = 2, Count = 3;
    }

    private const int FacetRowColumns = 4;

    /// <summary>How many matches facets are counted over: a search's ranked set, or a browse's larger sample.</summary>
    private int FacetCap(ResolvedQuery query) => query.Terms.IsEmpty ? Limits.MaxFacetedMatches : Limits.MaxRankedMatches;

    /// <summary>The facet families counted over the fully filtered matched set: those whose own filter is not in use (category always).</summary>
    private static (bool Brand, bool Price, List<string> AttributeCodes) MainFacetFamilies(ResolvedQuery query)
    {
        var filtered = query.Query.Attributes.Where(a => a.Values.Count > 0 || a.Min is not null || a.Max is not null)
            .Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
        return (query.Query.Brands.Count == 0,
            query.Query.MinPrice is null && query.Query.MaxPrice is null,
            query.FacetAttributes.Select(a => a.Code).Where(c => !filtered.Contains(c)).ToList());
    }

    private async Task<List<FacetRow>> FacetRowsAsync(
        DbConnection connection, ResolvedQuery query, MatchMode mode, FacetFamily except, string? exceptAttribute,
        bool category, bool brand, bool price, List<string> attributeCodes, CancellationToken cancellationToken)
    {
        var sql = new SqlText();
        if (!AppendFacetRows(query, mode, except, exceptAttribute, category, brand, price, attributeCodes, sql))
        {
            return [];
        }

        var rows = new List<FacetRow>();
        await using var command = Command(connection, sql);
        await using var reader = await ReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadFacetRow(reader));
        }

        return rows;
    }

    /// <summary>Appends one statement counting the facet families asked for over the matched set less <paramref name="except"/>'s filter; false (nothing appended) when no family is asked for.</summary>
    private bool AppendFacetRows(
        ResolvedQuery query, MatchMode mode, FacetFamily except, string? exceptAttribute, bool category, bool brand, bool price, List<string> attributeCodes, SqlText sql)
    {
        var from = From(query, mode, except, sql, out _, exceptAttribute);
        var groups = FacetGroups(query, category, brand, price, attributeCodes, sql);
        if (groups.Count == 0)
        {
            return false;
        }

        sql.Append($"WITH m AS MATERIALIZED (SELECT p.brand_id, p.brand_name, p.category_id, p.min_price, p.attributes {from} LIMIT {sql.Add(FacetCap(query))}) ");
        sql.Append(string.Join(" UNION ALL ", groups));
        return true;
    }

    /// <summary>One grouping per facet family over the CTE <c>m</c>, each yielding family, key, label and count.</summary>
    private List<string> FacetGroups(ResolvedQuery query, bool category, bool brand, bool price, List<string> attributeCodes, SqlText sql)
    {
        var groups = new List<string>();
        if (category)
        {
            groups.Add($"SELECT '{CategoryCode}' AS family, CAST(m.category_id AS TEXT) AS key, (SELECT c.name FROM {CategoriesTable} c WHERE c.id = m.category_id) AS label, count(*) AS n FROM m GROUP BY m.category_id");
        }

        if (brand)
        {
            groups.Add($"SELECT '{BrandCode}', CAST(m.brand_id AS TEXT), max(m.brand_name), count(*) FROM m GROUP BY m.brand_id");
        }

        if (price)
        {
            var bounds = Limits.EffectivePriceBuckets;
            var cases = string.Join(" ", bounds.Select((b, i) => $"WHEN m.min_price < {sql.Add(MoneyValue(b))} THEN '{i}'"));
            groups.Add($"SELECT '{PriceCode}', CASE {cases} ELSE '{bounds.Count}' END, NULL, count(*) FROM m GROUP BY 2");
        }

        if (attributeCodes.Count > 0)
        {
            var keys = string.Join(", ", attributeCodes.Select(c => sql.Add(c)));
            groups.Add($"SELECT '{AttributePrefix}' || kv.key, CAST(kv.value AS TEXT), NULL, count(*) FROM m, {AttributePairs} WHERE kv.key IN ({keys}) GROUP BY kv.key, kv.value");
        }

        return groups;
    }

    private static FacetRow ReadFacetRow(DbDataReader reader)
    {
        var (family, attributeCode) = FamilyOf(reader.GetString(FacetOrdinals.Family));
        var key = reader.IsDBNull(FacetOrdinals.Key) ? null : reader.GetString(FacetOrdinals.Key);
        return new FacetRow(
            family,
            attributeCode,
            key is not null && Guid.TryParse(key, out var id) ? id.ToString() : key,
            reader.IsDBNull(FacetOrdinals.Label) ? null : reader.GetString(FacetOrdinals.Label),
            Convert.ToInt32(reader.GetValue(FacetOrdinals.Count)));
    }

    private async Task<object?> ScalarAsync(DbConnection connection, SqlText sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        await using var reader = await ReaderAsync(command, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetValue(0) : null;
    }

    /// <summary>Executes the command, positioned on its own first result (past the session prelude, when it carried it).</summary>
    private static async Task<DbDataReader> ReaderAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var withPrelude = command.CommandText.StartsWith(PreludeMarker, StringComparison.Ordinal);
        var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (withPrelude)
        {
            await reader.NextResultAsync(cancellationToken);
        }

        return reader;
    }

    /// <summary>Starts a command's text when it carries the session prelude.</summary>
    private const string PreludeMarker = "/* prelude */ ";

    private DbCommand Command(DbConnection connection, SqlText sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql.ToString();
        if (!_preludeSent && SessionPrelude is { } prelude)
        {
            // The first statement of a search carries the settings: no round trip of their own.
            command.CommandText = $"{PreludeMarker}{prelude}; {command.CommandText}";
            _preludeSent = true;
        }

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
