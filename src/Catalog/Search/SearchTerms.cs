using System.Globalization;
using System.Text;

namespace Marketplace.Catalog.Search;

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
            var category = Rune.GetUnicodeCategory(rune);
            var isWordPart = Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (isWordPart)
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

    /// <summary>PostgreSQL <c>to_tsquery</c> text: every word required, the last one as a prefix (search as you type).</summary>
    public string ToTsQuery() => string.Join(" & ", Words.Select((w, i) => i == Words.Count - 1 ? $"{w}:*" : w));

    /// <summary>SQLite FTS5 query: every word a quoted string (so no word is read as an operator), the last one a prefix.</summary>
    public string ToFts5Query() => string.Join(' ', Words.Select((w, i) => i == Words.Count - 1 ? $"\"{w}\"*" : $"\"{w}\""));

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
