using System.Collections.Concurrent;
using Marketplace.Catalog.Caching;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>
/// Rendered listing pages (browse and search, facets included) by their canonical query string. Any product or
/// offer change this instance hears of starts a new generation, so pages are dropped as soon as the catalog
/// moves; the time to live bounds what a change that arrives before its listing summary is refreshed can leave.
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
        if (responses.TryGet(key, out byte[]? cached) && cached is not null)
        {
            return new RenderedListing(cached, null);
        }

        var shared = _rendering.GetOrAdd(key, k => new Lazy<Task<RenderedListing>>(() => RenderAndKeepAsync(k, render)));
        return await shared.Value;
    }

    private async Task<RenderedListing> RenderAndKeepAsync((string, long, string) key, Func<Task<RenderedListing>> render)
    {
        try
        {
            var listing = await render();
            if (listing.Body is { } body)
            {
                responses.Set(key, body, body.Length, options.Value.ListingCacheTtl);
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

/// <summary>A rendered listing page, or the validation problem its query raised.</summary>
internal sealed record RenderedListing(byte[]? Body, ValidationProblem? Problem);
