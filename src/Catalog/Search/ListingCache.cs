using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Catalog.Caching;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Rendered listing pages (browse and search, facets included) by their canonical query string. Any product or
/// offer change this instance hears of starts a new generation, so pages are dropped as soon as the catalog
/// moves; the time to live bounds what a change that arrives before its listing summary is refreshed can leave.
/// A page past its time to live (but within <see cref="CatalogOptions.ListingStaleWhileRevalidate"/>) is
/// re-rendered by the first request that finds it, while requests arriving meanwhile get the previous render:
/// expiry costs one shopper one query instead of stalling everyone who asks for the page. A new generation is
/// never served stale.
/// </summary>
internal sealed class ListingCache(RenderedResponses responses, IOptions<CatalogOptions> options)
{
    private readonly ConcurrentDictionary<(string, long, string), Lazy<Task<RenderedListing>>> _rendering = new();
    private long _generation;

    public bool Enabled => options.Value.ListingCacheTtl > TimeSpan.Zero;

    /// <summary>
    /// The cached page, or one render shared by every request that asks for the same page meanwhile: a popular
    /// category whose entry just expired costs one query, not one per waiting shopper.
    /// </summary>
    public async Task<RenderedListing> GetOrRenderAsync(IQueryCollection query, Func<Task<RenderedListing>> render)
    {
        if (!Enabled)
        {
            return await render();
        }

        var key = Key(query);
        if (responses.TryGet(key, out CachedListing? cached) && cached is not null)
        {
            if (Stopwatch.GetTimestamp() < cached.FreshUntil)
            {
                return new RenderedListing(cached.Body, null);
            }

            var refresh = new Lazy<Task<RenderedListing>>(() => RenderAndKeepAsync(key, render));
            var running = _rendering.GetOrAdd(key, refresh);
            return ReferenceEquals(running, refresh) ? await running.Value : new RenderedListing(cached.Body, null);
        }

        var shared = _rendering.GetOrAdd(key, k => new Lazy<Task<RenderedListing>>(() => RenderAndKeepAsync(k, render)));
        return await shared.Value;
    }

    private async Task<RenderedListing> RenderAndKeepAsync((string, long, string) key, Func<Task<RenderedListing>> render)
    {
        try
        {
            var listing = await render();
            // A page a stand-in engine answered (search fell back to the database) is shared with the requests waiting
            // for it, but not kept: the next request asks the search engine again.
            if (listing.Body is { } body && listing.Cacheable)
            {
                var limits = options.Value;
                var freshUntil = Stopwatch.GetTimestamp() + (long)(limits.ListingCacheTtl.TotalSeconds * Stopwatch.Frequency);
                responses.Set(key, new CachedListing(body, freshUntil), body.Length, limits.ListingCacheTtl + limits.ListingStaleWhileRevalidate);
            }

            return listing;
        }
        finally
        {
            _rendering.TryRemove(key, out _);
        }
    }

    public void Invalidate() => Interlocked.Increment(ref _generation);

    private (string, long, string) Key(IQueryCollection query) => ("listing", Volatile.Read(ref _generation), Canonical(query));

    /// <summary>The query string with its keys (and each key's values) in order, so equal queries share one entry.</summary>
    private static string Canonical(IQueryCollection query) =>
        string.Join('&', query.OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.Order(StringComparer.Ordinal).Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}")));
}

/// <summary>A cached page and the <see cref="Stopwatch"/> timestamp until which it is fresh.</summary>
internal sealed record CachedListing(byte[] Body, long FreshUntil);

/// <summary>A rendered listing page, or the validation problem its query raised; <see cref="Cacheable"/> false keeps it out of the cache.</summary>
internal sealed record RenderedListing(byte[]? Body, ValidationProblem? Problem, bool Cacheable = true);
