namespace Marketplace.Catalog.Search;

/// <summary>
/// A word that occurs somewhere in the catalog's search text (PostgreSQL only). The typo fallback corrects
/// the shopper's words against this dictionary with trigram similarity, then searches the corrected words
/// through the full-text index: comparing a few words with a dictionary of thousands is far cheaper than
/// comparing them with every title of a large catalog.
/// </summary>
internal sealed class SearchWord
{
    public string Word { get; set; } = "";
}

/// <summary>
/// How the dictionary is kept. Row triggers on <c>products</c> add the words of inserted rows and of rows
/// whose text changed; a bulk loader sets <see cref="BulkLoadSetting"/> for its session to skip them and
/// runs <see cref="RebuildSql"/> once at the end instead. Words are never removed: a stale word only
/// offers a correction that matches nothing.
/// </summary>
internal static class SearchWords
{
    public const string Table = "search_words";

    /// <summary>Session setting that, when <c>on</c>, makes the dictionary triggers skip their rows.</summary>
    public const string BulkLoadSetting = "catalog.bulk_load";

    /// <summary>Adds every word of every product's search vector (a few seconds at a million SKUs).</summary>
    public static readonly string RebuildSql =
        $"INSERT INTO {Persistence.CatalogDbContext.Schema}.{Table} (word) " +
        $"SELECT word FROM ts_stat('SELECT search_vector FROM {Persistence.CatalogDbContext.Schema}.products') " +
        "WHERE length(word) >= 3 AND word ~ '[[:alpha:]]' ON CONFLICT DO NOTHING";
}
