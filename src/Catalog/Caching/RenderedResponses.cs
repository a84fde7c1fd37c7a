using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Caching;

/// <summary>
/// The in-process store of rendered JSON responses (product details, listing pages), bounded by the bytes it
/// holds so that a crawl over a million products cannot grow the process past its memory budget; the least
/// recently used entries go first when it fills.
/// </summary>
internal sealed class RenderedResponses(IOptions<CatalogOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = options.Value.ResponseCacheBytes,
        CompactionPercentage = 0.2,
    });

    public bool TryGet<T>(object key, out T? value) => _cache.TryGetValue(key, out value);

    public void Set<T>(object key, T value, int bytes, TimeSpan timeToLive) =>
        _cache.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = timeToLive, Size = Math.Max(1, bytes) });

    public void Remove(object key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();
}
