using Microsoft.Net.Http.Headers;

namespace Marketplace.Platform.Http;

/// <summary>
/// The languages the marketplace writes to customers in (mails first), and the choice of one from a client's
/// <c>Accept-Language</c>, weighed by its q-values as RFC 9110 §12.5.4 says.
/// </summary>
public static class CustomerLanguages
{
    /// <summary>The language when the client states none the marketplace writes in.</summary>
    public const string Default = "en";

    /// <summary>Every language the marketplace writes in, as ISO 639-1 codes.</summary>
    public static readonly IReadOnlyList<string> Supported = ["en", "ru"];

    /// <summary>True when <paramref name="language"/> is one of <see cref="Supported"/>.</summary>
    public static bool IsSupported(string? language) => language is not null && Supported.Contains(language, StringComparer.Ordinal);

    /// <summary>
    /// The supported language the header prefers most: ranges by descending q (ties keep the header's order), a range
    /// matching by its primary subtag (<c>ru-RU</c> is Russian), <c>q=0</c> ruling a language out, <c>*</c> standing for
    /// any supported language not named; <see cref="Default"/> when nothing matches or the header does not parse.
    /// </summary>
    public static string FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)
            || !StringWithQualityHeaderValue.TryParseList([header], out var ranges))
        {
            return Default;
        }

        var weighed = ranges
            .Select((range, index) => (Tag: range.Value.Value ?? "", Quality: range.Quality ?? 1d, Index: index))
            .ToList();
        var ruledOut = weighed.Where(r => r.Quality <= 0).Select(r => PrimaryOf(r.Tag)).ToHashSet(StringComparer.Ordinal);
        var named = weighed.Select(r => PrimaryOf(r.Tag)).ToHashSet(StringComparer.Ordinal);
        foreach (var (tag, _, _) in weighed.Where(r => r.Quality > 0).OrderByDescending(r => r.Quality).ThenBy(r => r.Index))
        {
            if (tag == "*")
            {
                if (Supported.FirstOrDefault(l => !named.Contains(l) && !ruledOut.Contains(l)) is { } any)
                {
                    return any;
                }

                continue;
            }

            var primary = PrimaryOf(tag);
            if (IsSupported(primary) && !ruledOut.Contains(primary))
            {
                return primary;
            }
        }

        return Default;
    }

    private static string PrimaryOf(string tag)
    {
        var dash = tag.IndexOf('-', StringComparison.Ordinal);
        return (dash < 0 ? tag : tag[..dash]).ToLowerInvariant();
    }
}
