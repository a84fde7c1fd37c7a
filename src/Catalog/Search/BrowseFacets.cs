using System.Collections.Concurrent;
using Marketplace.Platform.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// The facet counts of unfiltered category browses, shared for <see cref="CatalogOptions.BrowseFacetsTtl"/>. Counting
/// facets is most of what an uncached category page costs (at a million SKUs, 20 to 50 ms against about one for the
/// page itself), while the counts of a category with no filters are the same for every visitor and move slowly. Only
/// the first page of a browse with no words and no filter qualifies: any filter changes the counts, and words make the
/// matched set one visitor's own. Entries are keyed by category (the whole catalog under <see cref="Guid.Empty"/>), so
/// they are as many as the categories.
/// </summary>
/// <remarks>
/// A category's first browse counts on its request. Once its counts expire, the request that notices starts one count
/// in the background and, like every other request meanwhile, shows the old counts: no shopper waits for a recount.
/// A recount that fails leaves the old counts, and its claim lapses after another TTL so a later request tries again.
/// Counts age from when their count started, so none is older than the TTL plus one count.
/// </remarks>
internal sealed class BrowseFacets(
    IOptions<CatalogOptions> options, TimeProvider clock, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<BrowseFacets> logger)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>Whether <paramref name="query"/>'s facets are the shared counts of its category.</summary>
    public static bool Applies(ResolvedQuery query) =>
        query.WithFacets && query.After is null && query.Terms.IsEmpty && !query.Query.HasFilters;

    /// <summary>
    /// The counts to show with this browse, or null when none are kept yet and this request should count them and
    /// <see cref="Store"/> them. Expired counts are returned while one recount runs in the background.
    /// </summary>
    public ProductFacets? Reuse(ResolvedQuery query)
    {
        var ttl = options.Value.BrowseFacetsTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return null;
        }

        if (!_entries.TryGetValue(Key(query), out var entry))
        {
            PlatformMetrics.CacheLookup("browse_facets", hit: false);
            return null;
        }

        PlatformMetrics.CacheLookup("browse_facets", hit: true);

        var now = clock.GetUtcNow().UtcTicks;
        if (now - entry.CountedAt >= ttl.Ticks)
        {
            var claimed = Interlocked.Read(ref entry.ClaimedAt);
            if (now - claimed >= ttl.Ticks && Interlocked.CompareExchange(ref entry.ClaimedAt, now, claimed) == claimed)
            {
                _ = Task.Run(() => RecountAsync(query));
            }
        }

        return entry.Facets;
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

    private async Task RecountAsync(ResolvedQuery query)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var countedAt = CountStarts();
            // The smallest page: only its facets are wanted.
            var result = await scope.ServiceProvider.GetRequiredService<IProductSearch>()
                .SearchAsync(query with { PageSize = 1 }, lifetime.ApplicationStopping);
            if (result.Facets is { } facets && result.Fallback is null)
            {
                Store(query, facets, countedAt);
            }
        }
        catch (Exception exception) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Recounting the facets of category {Category} failed; its old counts stay until a later browse tries again.", Key(query));
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }

    private static Guid Key(ResolvedQuery query) => query.Category?.Id ?? Guid.Empty;

    private sealed class Entry(ProductFacets facets, long countedAt)
    {
        public ProductFacets Facets { get; } = facets;

        public long CountedAt { get; } = countedAt;

        /// <summary>When a request last started a recount of this category (0: never).</summary>
        public long ClaimedAt;
    }
}
