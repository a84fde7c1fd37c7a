using System.Data.Common;
using System.Text.Json;
using Marketplace.Catalog.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Search on PostgreSQL: the weighted <c>search_vector</c> (GIN) for words, and when words find few products,
/// the same search with each word widened to the catalog words most like it (pg_trgm similarity over the
/// <see cref="SearchWord"/> dictionary, GIN trigram index through <c>%</c>) for typos.
/// </summary>
internal sealed class PostgresProductSearch(CatalogDbContext db, IOptions<CatalogOptions> options, TypoCorrections known) : SqlProductSearch(db, options)
{
    public const string Description = "postgresql tsvector + pg_trgm";

    private const double NearBestSimilarity = 0.8;

    protected override string ProductsTable => $"{CatalogDbContext.Schema}.products";

    protected override string CategoriesTable => $"{CatalogDbContext.Schema}.categories";

    protected override string AttributePairs => "jsonb_each_text(m.attributes) kv";

    protected override object IdValue(Guid id) => id;

    protected override object MoneyValue(decimal value) => value;

    protected override string FirstImage(string alias) => $"{alias}.images ->> 0";

    /// <remarks>
    /// The typo fallback searches the words as typed or any catalog word close to them (<see cref="CorrectAsync"/>),
    /// still through the full-text index, so a typo costs about what the corrected search costs.
    /// </remarks>
    protected override TextMatch Match(SearchTerms terms, MatchMode mode, SqlText sql)
    {
        var tsquery = $"to_tsquery('simple', {sql.Add(terms.ToTsQuery(lastAsPrefix: mode != MatchMode.Words))})";
        return new TextMatch("", $"p.{SearchModel.SearchVectorColumn} @@ {tsquery}", $"CAST(ts_rank(p.{SearchModel.SearchVectorColumn}, {tsquery}) AS double precision)");
    }

    /// <summary>
    /// Up to <see cref="CatalogOptions.MaxTypoCorrections"/> dictionary words per search word, most similar first (pg_trgm,
    /// GIN); words corrected lately on this replica come from <see cref="TypoCorrections"/> without a round trip.
    /// </summary>
    protected override async Task<SearchTerms> CorrectAsync(DbConnection connection, SearchTerms terms, CancellationToken cancellationToken)
    {
        var kept = terms.Words.Select(known.Find).ToList();
        var missing = terms.Words.Where((_, i) => kept[i] is null).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return terms with { Corrections = kept.Select(k => k!).ToList() };
        }

        var lookedUpAt = known.LookupStarts();
        var found = await LookUpAsync(connection, missing, cancellationToken);
        for (var i = 0; i < missing.Count; i++)
        {
            known.Keep(missing[i], found[i], lookedUpAt);
        }

        return terms with { Corrections = terms.Words.Select((word, i) => kept[i] ?? found[missing.IndexOf(word)]).ToList() };
    }

    /// <summary>The corrections of each of <paramref name="words"/>, in their order, in one round trip.</summary>
    private async Task<List<string>[]> LookUpAsync(DbConnection connection, List<string> words, CancellationToken cancellationToken)
    {
        // The % operator reads its threshold from the session; it is set in the same round trip, since pooled sessions are shared.
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT set_config('pg_trgm.similarity_threshold', @threshold, false); " +
            $"SELECT q.n, w.word, w.similarity FROM unnest(@words) WITH ORDINALITY AS q(word, n), " +
            $"LATERAL (SELECT s.word, similarity(s.word, q.word) AS similarity FROM {CatalogDbContext.Schema}.{SearchWords.Table} s " +
            "WHERE s.word % q.word AND s.word <> q.word AND s.word !~ '[^[:alnum:]]' ORDER BY 2 DESC, s.word LIMIT @per_word) w ORDER BY q.n, w.similarity DESC";
        command.Parameters.Add(new NpgsqlParameter("words", words.ToArray()));
        command.Parameters.Add(new NpgsqlParameter("per_word", Limits.MaxTypoCorrections));
        command.Parameters.Add(new NpgsqlParameter("threshold", Limits.TypoCorrectionSimilarity.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var corrections = words.Select(_ => new List<string>()).ToArray();
        var best = new double[words.Count];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Rows come most similar first. A much weaker candidate ("smart" for "smartphones", beside "smartphone")
            // would flood the match with products the shopper did not mean, so only near-best candidates are kept.
            var position = (int)reader.GetInt64(0) - 1;
            var similarity = reader.GetFloat(2);
            if (!SearchTerms.IsPlainWord(reader.GetString(1)))
            {
                continue;
            }

            best[position] = Math.Max(best[position], similarity);
            if (similarity >= best[position] * NearBestSimilarity)
            {
                corrections[position].Add(reader.GetString(1));
            }
        }

        return corrections;
    }

    protected override string AttributeHasAny(AttributeFilter filter, SqlText sql) =>
        "(" + string.Join(" OR ", filter.Values.Select(v =>
            $"p.attributes @> {sql.Add(new JsonbValue(JsonSerializer.Serialize(new Dictionary<string, string> { [filter.Code] = v })))}")) + ")";

    protected override string AttributeNumber(string code, SqlText sql)
    {
        var key = sql.Add(code);
        return $"(CASE WHEN (p.attributes ->> {key}) ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' THEN (p.attributes ->> {key})::numeric END)";
    }

    protected override long ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal).UtcTicks;

    protected override object TimeValue(long encoded) => new DateTimeOffset(encoded, TimeSpan.Zero);

    /// <summary>
    /// JIT compilation pays off for long analytical queries; for a search it adds tens of milliseconds whenever a large
    /// match makes the planner's estimate cross jit_above_cost, so listings run without it. Pooled sessions are shared,
    /// so it is set on every search, in the round trip of its first query.
    /// </summary>
    protected override string SessionPrelude => "SELECT set_config('jit', 'off', false)";

    protected override DbParameter CreateParameter(DbCommand command, string name, object value) => value switch
    {
        JsonbValue json => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json.Json },
        _ => new NpgsqlParameter(name, value),
    };

    private sealed record JsonbValue(string Json);
}
