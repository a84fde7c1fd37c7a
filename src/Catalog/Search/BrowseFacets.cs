using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// The facet counts of unfiltered category browses, shared for <see cref="CatalogOptions.BrowseFacetsTtl"/>. Counting
/// facets is most of what an uncached category page costs (at a million SKUs, tens of milliseconds against well under
/// one for the page itself), while the counts of a category with no filters are the same for every visitor and move
/// slowly. Only the first page of a browse with no words and no filter qualifies: any filter changes the counts, and
/// words make the matched set one visitor's own. Entries are keyed by category (the whole catalog under
/// <see cref="Guid.Empty"/>), so they are as many as the categories.
/// </summary>
/// <remarks>
/// When an entry expires, the first request to see it counts again and the others keep the old counts meanwhile, so a
/// category is counted by one request at a time. A claim that never stored (its request failed) lapses after another
/// <see cref="CatalogOptions.BrowseFacetsTtl"/>. Counts age from when their count started, so none is older than the
/// TTL plus one count.
/// </remarks>
internal sealed class BrowseFacets(IOptions<CatalogOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>Whether <paramref name="query"/>'s facets are the shared counts of its category.</summary>
    public static bool Applies(ResolvedQuery query) =>
        query.WithFacets && query.After is null && query.Terms.IsEmpty && !query.Query.HasFilters;

    /// <summary>The counts to reuse for this browse, or null when this request should count them and <see cref="Store"/> them.</summary>
    public ProductFacets? Reuse(ResolvedQuery query)
    {
        var ttl = options.Value.BrowseFacetsTtl;
        if (ttl <= TimeSpan.Zero || !_entries.TryGetValue(Key(query), out var entry))
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcTicks;
        if (now - entry.CountedAt < ttl.Ticks)
        {
            return entry.Facets;
        }

        var claimed = Interlocked.Read(ref entry.ClaimedAt);
        var claimLapsed = now - claimed >= ttl.Ticks;
        return claimLapsed && Interlocked.CompareExchange(ref entry.ClaimedAt, now, claimed) == claimed ? null : entry.Facets;
    }

    /// <summary>The time a count that is about to start should be stamped with: pass it back to <see cref="Store"/>.</summary>
    public long CountStarts() => clock.GetUtcNow().UtcTicks;

    /// <summary>Keeps the counts of <paramref name="query"/>'s category, counted from <paramref name="countedAt"/>.</summary>
    public void Store(ResolvedQuery query, ProductFacets facets, long countedAt)
    {
        if (options.Value.BrowseFacetsTtl > TimeSpan.Zero)
        {
            _entries.AddOrUpdate(Key(query), _ => new Entry(facets, countedAt),
                (_, old) => old.CountedAt > countedAt ? old : new Entry(facets, countedAt));
        }
    }

    private static Guid Key(ResolvedQuery query) => query.Category?.Id ?? Guid.Empty;

    private sealed class Entry(ProductFacets facets, long countedAt)
    {
        public ProductFacets Facets { get; } = facets;

        public long CountedAt { get; } = countedAt;

        /// <summary>When a request last took on counting this category again (0: never).</summary>
        public long ClaimedAt;
    }
}
