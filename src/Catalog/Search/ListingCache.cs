using Marketplace.Catalog.Caching;
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
    private long _generation;

    public bool Enabled => options.Value.ListingCacheTtl > TimeSpan.Zero;

    public byte[]? Find(IQueryCollection query) =>
        Enabled && responses.TryGet(Key(query), out byte[]? body) ? body : null;

    public void Keep(IQueryCollection query, byte[] body)
    {
        if (Enabled)
        {
            responses.Set(Key(query), body, body.Length, options.Value.ListingCacheTtl);
        }
    }

    public void Invalidate() => Interlocked.Increment(ref _generation);

    private (string, long, string) Key(IQueryCollection query) => ("listing", Volatile.Read(ref _generation), Canonical(query));

    /// <summary>The query string with its keys (and each key's values) in order, so equal queries share one entry.</summary>
    private static string Canonical(IQueryCollection query) =>
        string.Join('&', query.OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.Order(StringComparer.Ordinal).Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}")));
}
