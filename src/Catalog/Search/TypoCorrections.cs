using System.Collections.Concurrent;
using Marketplace.Platform.Telemetry;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// The catalog words each search word was corrected to by the typo fallback, kept for
/// <see cref="CatalogOptions.TypoCorrectionsTtl"/>. Looking a word up in the trigram index is the dearest step of a
/// search that falls back (over a millisecond, more than the search itself), while its answer depends only on the
/// dictionary of catalog words, which grows slowly; so a word is looked up once per replica per TTL. Each word is
/// corrected on its own, so words are kept one by one. At most <see cref="CatalogOptions.MaxCachedTypoCorrections"/>
/// words are kept: past it the oldest half is dropped, so words sent to fill memory only cost their own lookups.
/// </summary>
internal sealed class TypoCorrections(IOptions<CatalogOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _words = new(StringComparer.Ordinal);
    private int _trimming;

    /// <summary>The corrections kept for <paramref name="word"/>, or null when it must be looked up.</summary>
    public IReadOnlyList<string>? Find(string word)
    {
        var ttl = options.Value.TypoCorrectionsTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return null;
        }

        var hit = _words.TryGetValue(word, out var entry) && clock.GetUtcNow().UtcTicks - entry.LookedUpAt < ttl.Ticks;
        PlatformMetrics.CacheLookup("typo_corrections", hit);
        return hit ? entry!.Corrections : null;
    }

    /// <summary>The time a lookup that is about to start should be stamped with: pass it back to <see cref="Keep"/>.</summary>
    public long LookupStarts() => clock.GetUtcNow().UtcTicks;

    public void Keep(string word, IReadOnlyList<string> corrections, long lookedUpAt)
    {
        if (options.Value.TypoCorrectionsTtl <= TimeSpan.Zero)
        {
            return;
        }

        _words[word] = new Entry(corrections, lookedUpAt);
        if (_words.Count > options.Value.MaxCachedTypoCorrections && Interlocked.Exchange(ref _trimming, 1) == 0)
        {
            try
            {
                var oldest = _words.OrderBy(w => w.Value.LookedUpAt).Take(_words.Count / 2).Select(w => w.Key).ToList();
                foreach (var key in oldest)
                {
                    _words.TryRemove(key, out _);
                }
            }
            finally
            {
                Volatile.Write(ref _trimming, 0);
            }
        }
    }

    private sealed record Entry(IReadOnlyList<string> Corrections, long LookedUpAt);
}
