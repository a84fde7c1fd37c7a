namespace Marketplace.Catalog.Tests.Search;

/// <summary>Search words no other test uses, and typos of them.</summary>
internal static class SearchWords
{
    /// <summary>
    /// A letters-only word no other test uses (the dictionary keeps words of letters and digits). Letters 3 and 4 are
    /// fixed and differ, so <see cref="Transposed"/> always makes a typo: random letters could be equal.
    /// </summary>
    public static string Unique()
    {
        var letters = new string(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))).ToArray());
        return "zq" + letters[0] + "kw" + letters[1..];
    }

    /// <summary>The word with two inner letters swapped: a transposition shares few trigrams with the word.</summary>
    public static string Transposed(string word) => word[..3] + word[4] + word[3] + word[5..];
}
