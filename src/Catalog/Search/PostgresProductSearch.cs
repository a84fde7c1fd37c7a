using System.Data.Common;
using System.Text.Json;
using Marketplace.Catalog.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Search on PostgreSQL: the weighted <c>search_vector</c> (GIN) for words, and when words find few products,
/// pg_trgm word similarity on titles (GIN trigram index through <c>&lt;%</c>) blended in for typos.
/// </summary>
internal sealed class PostgresProductSearch(CatalogDbContext db, IOptions<CatalogOptions> options) : SqlProductSearch(db, options)
{
    public const string Description = "postgresql tsvector + pg_trgm";

    public override string Engine => Description;

    protected override string ProductsTable => $"{CatalogDbContext.Schema}.products";

    protected override string CategoriesTable => $"{CatalogDbContext.Schema}.categories";

    protected override string AttributePairs => "jsonb_each_text(m.attributes) kv";

    protected override object IdValue(Guid id) => id;

    protected override object MoneyValue(decimal value) => value;

    protected override string FirstImage(string alias) => $"{alias}.images ->> 0";

    protected override TextMatch Match(SearchTerms terms, bool fuzzy, SqlText sql)
    {
        var tsquery = $"to_tsquery('simple', {sql.Add(terms.ToTsQuery())})";
        var words = $"p.{SearchModel.SearchVectorColumn} @@ {tsquery}";
        var rank = $"ts_rank(p.{SearchModel.SearchVectorColumn}, {tsquery})";
        if (!fuzzy)
        {
            return new TextMatch("", words, $"CAST({rank} AS double precision)");
        }

        var plain = sql.Add(terms.Plain);
        return new TextMatch("", $"({words} OR {plain} <% p.title)", $"CAST({rank} + word_similarity({plain}, p.title) AS double precision)");
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

    protected override async Task PrepareConnectionAsync(DbConnection connection, SearchTerms terms, CancellationToken cancellationToken)
    {
        if (terms.IsEmpty)
        {
            return;
        }

        // The <% operator reads its threshold from the session; set it on every use, since pooled sessions are shared.
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT set_config('pg_trgm.word_similarity_threshold', @threshold, false)";
        command.Parameters.Add(new NpgsqlParameter("threshold", Limits.TypoSimilarityThreshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override DbParameter CreateParameter(DbCommand command, string name, object value) => value switch
    {
        JsonbValue json => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json.Json },
        _ => new NpgsqlParameter(name, value),
    };

    private sealed record JsonbValue(string Json);
}
