using System.Data.Common;
using Marketplace.Catalog.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Marketplace.Platform.Persistence;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Search on the embedded SQLite profile: an FTS5 table over title, brand, attributes and description (bm25,
/// title weighted most) for words, and when words find few products, a trigram FTS5 table over titles finds
/// candidates that a trigram word-similarity function then scores, for typos.
/// </summary>
internal sealed class SqliteProductSearch(CatalogDbContext db, IOptions<CatalogOptions> options) : SqlProductSearch(db, options)
{
    public const string Description = "sqlite fts5 + trigram";

    public const string WordsTable = "products_fts";

    public const string TrigramTable = "products_trgm";

    protected override string ProductsTable => "products";

    protected override string CategoriesTable => "categories";

    protected override string AttributePairs => "json_each(m.attributes) kv";

    protected override object IdValue(Guid id) => id.ToString().ToUpperInvariant();

    protected override object MoneyValue(decimal value) => (double)value;

    protected override string FirstImage(string alias) => $"json_extract({alias}.images, '$[0]')";

    protected override TextMatch Match(SearchTerms terms, MatchMode mode, SqlText sql)
    {
        // bm25 is lower for better matches; weights follow the columns: title, brand, attributes, description.
        var join = $"LEFT JOIN (SELECT rowid AS fts_rowid, bm25({WordsTable}, 10.0, 5.0, 2.0, 1.0) AS fts_rank FROM {WordsTable} " +
                   $"WHERE {WordsTable} MATCH {sql.Add(terms.ToFts5Query(lastAsPrefix: mode != MatchMode.Words))}) f ON f.fts_rowid = p.rowid";
        var grams = terms.ToFts5TrigramQuery();
        if (mode != MatchMode.Typo || grams.Length == 0)
        {
            return new TextMatch(join, "f.fts_rowid IS NOT NULL", "CAST(COALESCE(-f.fts_rank, 0) AS REAL)");
        }

        var plain = sql.Add(terms.Plain);
        var similar = $"(p.rowid IN (SELECT rowid FROM {TrigramTable} WHERE {TrigramTable} MATCH {sql.Add(grams)}) " +
                      $"AND word_similarity({plain}, p.title) >= {sql.Add(Limits.TypoSimilarityThreshold)})";
        return new TextMatch(join, $"(f.fts_rowid IS NOT NULL OR {similar})", $"CAST(COALESCE(-f.fts_rank, 0) + word_similarity({plain}, p.title) AS REAL)");
    }

    protected override string AttributeHasAny(AttributeFilter filter, SqlText sql) =>
        $"json_extract(p.attributes, {sql.Add(JsonPath(filter.Code))}) IN ({string.Join(", ", filter.Values.Select(v => sql.Add(v)))})";

    protected override string AttributeNumber(string code, SqlText sql) =>
        $"CAST(json_extract(p.attributes, {sql.Add(JsonPath(code))}) AS REAL)";

    // Codes are validated to [a-z][a-z0-9_]*, and travel as a parameter anyway.
    private static string JsonPath(string code) => $"$.\"{code}\"";

    protected override long ReadTime(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal);

    protected override object TimeValue(long encoded) => encoded;

    protected override Task PrepareConnectionAsync(DbConnection connection, SearchTerms terms, CancellationToken cancellationToken)
    {
        if (connection is SqliteConnection sqlite)
        {
            sqlite.CreateFunction<string?, string?, double>("word_similarity", TrigramSimilarity.WordSimilarity, isDeterministic: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>pg_trgm's word similarity, for SQLite: the share of the search text's trigrams found in the title.</summary>
internal static class TrigramSimilarity
{
    public static double WordSimilarity(string? text, string? title)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrEmpty(title))
        {
            return 0;
        }

        var wanted = Trigrams(text);
        if (wanted.Count == 0)
        {
            return 0;
        }

        var present = Trigrams(title);
        return (double)wanted.Count(present.Contains) / wanted.Count;
    }

    /// <summary>Trigrams of each word padded as pg_trgm pads them (two blanks before, one after), lower-cased.</summary>
    private static HashSet<string> Trigrams(string text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in SearchTerms.From(text, int.MaxValue).Words)
        {
            var padded = $"  {word} ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                set.Add(padded.Substring(i, 3));
            }
        }

        return set;
    }
}

/// <summary>Creates the FTS5 tables and the triggers that keep them in step with <c>products</c> (SQLite only).</summary>
internal sealed class SqliteSearchSetup : IDatabaseSetup<CatalogDbContext>
{
    public async Task RunAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
        {
            return;
        }

        const string Words = SqliteProductSearch.WordsTable;
        const string Grams = SqliteProductSearch.TrigramTable;
        var existing = await db.Database.SqlQueryRaw<int>($"SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name = '{Words}'").SingleAsync(cancellationToken);
        string[] statements =
        [
            // External-content tables over products' rowid: the text is stored once, in products.
            $"CREATE VIRTUAL TABLE IF NOT EXISTS {Words} USING fts5(title, brand_name, attributes_text, description_text, content='products', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
            $"CREATE VIRTUAL TABLE IF NOT EXISTS {Grams} USING fts5(title, content='products', content_rowid='rowid', tokenize='trigram')",
            $"""
            CREATE TRIGGER IF NOT EXISTS products_search_insert AFTER INSERT ON products BEGIN
              INSERT INTO {Words}(rowid, title, brand_name, attributes_text, description_text) VALUES (new.rowid, new.title, new.brand_name, new.attributes_text, new.description_text);
              INSERT INTO {Grams}(rowid, title) VALUES (new.rowid, new.title);
            END
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS products_search_delete AFTER DELETE ON products BEGIN
              INSERT INTO {Words}({Words}, rowid, title, brand_name, attributes_text, description_text) VALUES ('delete', old.rowid, old.title, old.brand_name, old.attributes_text, old.description_text);
              INSERT INTO {Grams}({Grams}, rowid, title) VALUES ('delete', old.rowid, old.title);
            END
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS products_search_update AFTER UPDATE OF title, brand_name, attributes_text, description_text ON products BEGIN
              INSERT INTO {Words}({Words}, rowid, title, brand_name, attributes_text, description_text) VALUES ('delete', old.rowid, old.title, old.brand_name, old.attributes_text, old.description_text);
              INSERT INTO {Grams}({Grams}, rowid, title) VALUES ('delete', old.rowid, old.title);
              INSERT INTO {Words}(rowid, title, brand_name, attributes_text, description_text) VALUES (new.rowid, new.title, new.brand_name, new.attributes_text, new.description_text);
              INSERT INTO {Grams}(rowid, title) VALUES (new.rowid, new.title);
            END
            """,
        ];
        foreach (var statement in statements)
        {
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }

        if (existing == 0)
        {
            // Products written before the index existed (or rowids renumbered by a VACUUM) are indexed afresh.
            await db.Database.ExecuteSqlRawAsync($"INSERT INTO {Words}({Words}) VALUES ('rebuild')", cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"INSERT INTO {Grams}({Grams}) VALUES ('rebuild')", cancellationToken);
        }
    }
}
