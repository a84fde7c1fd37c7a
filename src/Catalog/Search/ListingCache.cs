using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Catalog.Caching;
using Marketplace.Platform.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Rendered listing pages (browse and search, facets included) by their canonical query string. A cached page keeps
/// what changes rarely: which products match and in what order, and the facet counts. What changes every second (price,
/// stock, offer count) is not taken from the cached render but from <see cref="ListingLiveState"/> as the page is served
/// (see <see cref="ListingPage"/>), so sellers changing offers do not drop pages: an offer change costs its product one
/// state read, not every replica's every page.
/// <para>
/// A page lives <see cref="CatalogOptions.ListingCacheTtl"/>; one whose order or membership follows the offers (sorted by
/// price, or filtered on price or stock) lives <see cref="CatalogOptions.ListingOfferOrderTtl"/> at most. A product
/// change (title, brand, category, attributes) starts a new generation, which drops every page at once; a new generation
/// is never served stale. A product joining the listings (its first offer) makes every page rendered before it stale once
/// the page is <see cref="CatalogOptions.ListingMembershipTtl"/> old (<see cref="MembershipChanged"/>). A page past its time to live (but within <see cref="CatalogOptions.ListingStaleWhileRevalidate"/>)
/// is re-rendered by the first request that finds it, while requests arriving meanwhile get the previous render.
/// </para>
/// </summary>
internal sealed class ListingCache(RenderedResponses responses, IOptions<CatalogOptions> options)
{
    private readonly ConcurrentDictionary<(string, long, string), Lazy<Task<ListingPage>>> _rendering = new();
    private long _generation;
    private long _membershipChangedAt;

    public bool Enabled => options.Value.ListingCacheTtl > TimeSpan.Zero;

    /// <summary>
    /// The cached page, or one render shared by every request that asks for the same page meanwhile: a popular
    /// category whose entry just expired costs one query, not one per waiting shopper.
    /// </summary>
    /// <param name="query">The request's query string, which keys the page.</param>
    /// <param name="orderFollowsOffers">Whether the page's order or membership depends on prices or stock.</param>
    /// <param name="render">Renders the page.</param>
    public async Task<ListingPage> GetOrRenderAsync(IQueryCollection query, bool orderFollowsOffers, Func<Task<ListingPage>> render)
    {
        if (!Enabled)
        {
            return await render();
        }

        var key = Key(query);
        var cached = responses.TryGet(key, out CachedListing? kept) ? kept : null;
        PlatformMetrics.CacheLookup("listing", cached is not null);
        if (cached is not null)
        {
            if (IsFresh(cached, Stopwatch.GetTimestamp()))
            {
                return cached.Page;
            }

            var refresh = new Lazy<Task<ListingPage>>(() => RenderAndKeepAsync(key, orderFollowsOffers, render));
            var running = _rendering.GetOrAdd(key, refresh);
            return ReferenceEquals(running, refresh) ? await running.Value : cached.Page;
        }

        var shared = _rendering.GetOrAdd(key, k => new Lazy<Task<ListingPage>>(() => RenderAndKeepAsync(k, orderFollowsOffers, render)));
        return await shared.Value;
    }

    private async Task<ListingPage> RenderAndKeepAsync((string, long, string) key, bool orderFollowsOffers, Func<Task<ListingPage>> render)
    {
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            var page = await render();
            // A page a stand-in engine answered (search fell back to the database) is shared with the requests waiting
            // for it, but not kept: the next request asks the search engine again.
            if (page.Response is not null && page.Cacheable)
            {
                var limits = options.Value;
                var ttl = orderFollowsOffers && limits.ListingOfferOrderTtl < limits.ListingCacheTtl ? limits.ListingOfferOrderTtl : limits.ListingCacheTtl;
                var freshUntil = Stopwatch.GetTimestamp() + Ticks(ttl);
                responses.Set(key, new CachedListing(page, startedAt, freshUntil), page.EstimatedBytes, ttl + limits.ListingStaleWhileRevalidate);
            }

            return page;
        }
        finally
        {
            _rendering.TryRemove(key, out _);
        }
    }

    /// <summary>Starts a new generation: every page rendered before it is dropped.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    /// <summary>
    /// Says that products joined the listings, so pages rendered before now may miss them. Such a page is served while one
    /// request renders it again (as an expired one is), once it is <see cref="CatalogOptions.ListingMembershipTtl"/> old: a
    /// bulk file that lists thousands of products costs each page at most one render per that time, not one per batch.
    /// </summary>
    public void MembershipChanged() => Volatile.Write(ref _membershipChangedAt, Stopwatch.GetTimestamp());

    private bool IsFresh(CachedListing cached, long now) =>
        now < cached.FreshUntil
        && (cached.RenderedAt >= Volatile.Read(ref _membershipChangedAt) || now - cached.RenderedAt < Ticks(options.Value.ListingMembershipTtl));

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private (string, long, string) Key(IQueryCollection query) => ("listing", Volatile.Read(ref _generation), Canonical(query));

    /// <summary>The query string with its keys (and each key's values) in order, so equal queries share one entry.</summary>
    private static string Canonical(IQueryCollection query) =>
        string.Join('&', query.OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.Order(StringComparer.Ordinal).Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}")));

    /// <summary>A cached page, the <see cref="Stopwatch"/> timestamp its render started at, and the one until which it is fresh.</summary>
    private sealed record CachedListing(ListingPage Page, long RenderedAt, long FreshUntil);
}
