using System.Globalization;
using System.Text;

namespace Marketplace.Catalog.Search;

/// <summary>
/// How search text matches, from the cheapest and most precise to the most forgiving. A search takes the first
/// mode that finds enough products: whole words, then the last word as a prefix (a word still being typed),
/// then title trigram similarity (typos). Later pages keep the mode of the first.
/// </summary>
internal enum MatchMode
{
    Words = 0,
    Prefix = 1,
    Typo = 2,
}

/// <summary>
/// Search text reduced to plain words (letters and digits only, lower-cased). Whatever the shopper typed —
/// quotes, SQL, markup, FTS operators such as <c>NEAR(</c> or <c>OR</c> as syntax — only words survive, so the
/// full-text query built from them is always well-formed; the words themselves still travel as parameters.
/// </summary>
internal sealed record SearchTerms(IReadOnlyList<string> Words)
{
    public static readonly SearchTerms None = new([]);

    public bool IsEmpty => Words.Count == 0;

    /// <summary>The words joined by spaces: what trigram similarity compares titles with.</summary>
    public string Plain => string.Join(' ', Words);

    public static SearchTerms From(string? text, int maxTerms)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return None;
        }

        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (IsWordPart(rune))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }

            Flush();
        }

        Flush();
        return new SearchTerms(words.Distinct(StringComparer.Ordinal).Take(maxTerms).ToList());

        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(word.Length > 64 ? word.ToString(0, 64) : word.ToString());
                word.Clear();
            }
        }
    }

    private static bool IsWordPart(Rune rune) =>
        Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    /// <summary>
    /// True when <paramref name="text"/> is one word as <see cref="From"/> makes them: only letters, digits and marks.
    /// Catalog words come from seller text through PostgreSQL's parser, which keeps host names and paths
    /// (<c>iphnoe.com/(x</c>) as one lexeme; only a plain word may join a query.
    /// </summary>
    public static bool IsPlainWord(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsWordPart(rune))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Catalog words close to each of <see cref="Words"/> (same positions), found by the typo fallback; empty until then.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Corrections { get; init; } = [];

    /// <summary>
    /// PostgreSQL <c>to_tsquery</c> text: every word required; with <paramref name="lastAsPrefix"/>, the last one as a
    /// prefix (search as you type). A word with <see cref="Corrections"/> is satisfied by itself or any of them.
    /// Every lexeme is quoted, and a correction that is not a plain word is left out, so no text — the shopper's or a
    /// seller's — can be read as an operator.
    /// </summary>
    public string ToTsQuery(bool lastAsPrefix) =>
        string.Join(" & ", Words.Select((w, i) =>
        {
            var word = lastAsPrefix && i == Words.Count - 1 ? $"{Lexeme(w)}:*" : Lexeme(w);
            var corrections = i < Corrections.Count ? Corrections[i].Where(IsPlainWord).Select(Lexeme).ToList() : [];
            return corrections.Count > 0 ? $"({string.Join(" | ", corrections.Prepend(word))})" : word;
        }));

    /// <summary>A tsquery lexeme in quotes: a quote inside is doubled and a backslash escaped.</summary>
    private static string Lexeme(string word) => "'" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>SQLite FTS5 query: every word a quoted string (so no word is read as an operator); with <paramref name="lastAsPrefix"/>, the last one a prefix.</summary>
    public string ToFts5Query(bool lastAsPrefix) =>
        string.Join(' ', Words.Select((w, i) => lastAsPrefix && i == Words.Count - 1 ? $"\"{w}\"*" : $"\"{w}\""));

    /// <summary>FTS5 query over the trigram table: any trigram of any word, to find typo candidates.</summary>
    public string ToFts5TrigramQuery()
    {
        var grams = Words.Where(w => w.Length >= 3)
            .SelectMany(w => Enumerable.Range(0, w.Length - 2).Select(i => w.Substring(i, 3)))
            .Distinct(StringComparer.Ordinal)
            .Select(g => $"\"{g}\"");
        return string.Join(" OR ", grams);
    }
}
