using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Whatever a shopper types into search is text, never query syntax: full-text operators, SQL, control characters,
/// broken encodings and overlong input all get a 200 or a 400 problem naming <c>q</c>, never a 5xx.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class HostileSearchTests(SecurityHost host)
{
    /// <summary>Search texts as they go on the wire (already percent-encoded where the text itself cannot travel raw).</summary>
    private static readonly (string Label, string Query)[] HostileQueries =
    [
        .. new[] { "&", "|", "!", ":", "*", "(", ")", "<->", "'", "\"", "\\", "a & b", "a | b", "!a", "a:*", ":*", "(a | b) & !c", "a <-> b", "a <2> b", "'a'",
                   "\"a\"", "a\\", "\\'", "a:* & !b", "''", "&&&", "!!!!", "a:A", "a:*B", "phone:*&", "(((((", ")))))", "'iphone':*", "iphone:* | (case" }
            .Select(text => ($"tsquery {text}", Uri.EscapeDataString(text))),
        .. new[] { "' OR 1=1 --", "'; DROP TABLE catalog.products; --", "1' UNION SELECT usename FROM pg_user --", "$$ || pg_sleep(1) || $$", "E'\\x00'",
                   "%' AND '%'='", "_%", "') OR ('a'='a", "; SELECT 1; --", "NEAR(a b)", "a OR b", "a AND NOT b", "title:a", "{\"$gt\":\"\"}" }
            .Select(text => ($"sql-ish {text}", Uri.EscapeDataString(text))),
        .. new[] { "ｉｐｈｏｎｅ", "i\u0307phone", "📱 phone", "\u202ephone", "ph\u200bone", "телефон", "straße", "ﬁle", "電話", "𝓹𝓱𝓸𝓷𝓮", "e\u0301\u0301\u0301\u0301", "\u00a0\u2003" }
            .Select(text => ($"unicode {text}", Uri.EscapeDataString(text))),
        ("NUL", "%00"), ("NUL inside a word", "pho%00ne"), ("invalid UTF-8", "%FF%FE"), ("overlong NUL", "%C0%80"), ("encoded surrogate", "%ED%A0%80"),
        ("control characters", "%01%02%1B%7F"), ("line breaks", "a%0D%0Ab"), ("a lone percent", "%"), ("a broken escape", "%G1"), ("plus signs", "+++"),
        ("just under the length limit", new string('a', 199)), ("at the length limit", new string('a', 200)), ("just over the length limit", new string('a', 201)),
        ("ten thousand characters", new string('x', 10_000)), ("two hundred words", string.Join("+", Enumerable.Range(0, 200).Select(i => $"w{i}"))),
        ("a 64-letter word and more", new string('b', 300)), ("only separators", Uri.EscapeDataString(" .,;/()[]{}<>")),
        ("a URL-like text", Uri.EscapeDataString("iphnoe.com/(x")), ("a path-like text", Uri.EscapeDataString("../../etc/passwd")),
        ("markup", Uri.EscapeDataString("<script>alert(1)</script>")),
    ];

    [Fact]
    public async Task Hostile_search_texts_get_200_or_400_problem_never_5xx()
    {
        var violations = new List<string>();
        var client = host.CreateClient();
        foreach (var sort in new[] { "", "&sort=price_asc" })
        {
            foreach (var (label, query) in HostileQueries)
            {
                var answer = await client.GetAsync($"/api/v1/products?q={query}{sort}");
                if (!(answer.StatusCode == HttpStatusCode.OK || (answer.StatusCode == HttpStatusCode.BadRequest && answer.IsProblem()) || answer.IsServerLimit()))
                {
                    violations.Add($"q={Answers.Show(query)}{sort} ({label}): {await answer.DescribeAsync()}");
                }
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("Search must read hostile text as text", violations));
    }

    [Fact]
    public async Task A_catalog_word_full_of_punctuation_does_not_break_the_typo_search()
    {
        // The typo fallback suggests catalog words; a description holding "iphnoe.com/(x" puts a word with
        // tsquery syntax characters into the catalog's vocabulary.
        var marker = $"zq{Guid.NewGuid():N}"[..12];
        var owner = host.CreateClient(host.A.Owner.AccessToken);
        var product = await SecurityHost.Expect(
            await owner.PostAsJsonAsync(
                $"/api/v1/sellers/{host.A.SellerId}/products",
                host.ProductBody($"Phone {marker}", $"sku-{Guid.NewGuid():N}"[..16], "<p>Visit iphnoe.com/(x or iphnoe.com/x)&y:* for details</p>")),
            HttpStatusCode.Created);
        var sku = product.GetProperty("skus")[0].GetProperty("id").GetGuid();
        await SecurityHost.Expect(
            await owner.PutAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/offers/{sku}", new { price = 10.00m, currency = "EUR", stock = 5 }),
            HttpStatusCode.OK, HttpStatusCode.Created);
        var client = host.CreateClient();
        var indexed = await Eventually.ReadAsync(
            () => client.GetFromJsonAsync<JsonElement>($"/api/v1/products?q={marker}"),
            page => page.GetProperty("items").GetArrayLength() > 0);
        Assert.True(indexed.GetProperty("items").GetArrayLength() > 0, $"The product never showed in search: {indexed}");

        var violations = new List<string>();
        foreach (var query in new[] { "iphnoe", "iphnoe.com", "iphnoe.com/(x", "iphnoe x", "ipnhoe", "iphno" })
        {
            var answer = await client.GetAsync($"/api/v1/products?q={Uri.EscapeDataString(query)}");
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                violations.Add($"q={query}: {await answer.DescribeAsync()}");
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("Searching near a punctuated catalog word must answer 200", violations));
    }
}
