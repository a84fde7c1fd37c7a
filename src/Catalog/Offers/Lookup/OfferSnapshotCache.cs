using Marketplace.Catalog.Contracts;
using Marketplace.Platform.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Offers.Lookup;

/// <summary>
/// Offer snapshots this replica has read, kept until an event says the offer (or its product) changed, and
/// <see cref="CatalogOptions.OfferSnapshotCacheTtl"/> at most. Every cart read looks its offers up, so this turns the
/// common read into memory lookups; the events arrive on a queue of this replica's own, like product detail's.
/// A read that overlapped an eviction is not kept: it may have read the offer before the change committed.
/// Bounded by <see cref="CatalogOptions.MaxOfferSnapshots"/>: expired and least recently used entries make room.
/// </summary>
internal sealed class OfferSnapshotCache(IOptions<CatalogOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxOfferSnapshots, CompactionPercentage = 0.2 });
    private long _evictions;

    // A product change touches every snapshot of its offers; rather than find them, it starts a new generation and the
    // old entries age out. Product changes are far rarer than offer changes.
    private long _generation;

    public bool Enabled => options.Value.OfferSnapshotCacheTtl > TimeSpan.Zero;

    /// <summary>A token to hand back to <see cref="Keep"/>: the eviction count when a read began.</summary>
    public long BeginRead() => Interlocked.Read(ref _evictions);

    public bool TryGet(Guid offerId, out OfferSnapshot snapshot)
    {
        if (_cache.TryGetValue(Key(offerId), out OfferSnapshot? cached) && cached is not null)
        {
            PlatformMetrics.CacheLookup("offer_snapshot", hit: true);
            snapshot = cached;
            return true;
        }

        if (Enabled)
        {
            PlatformMetrics.CacheLookup("offer_snapshot", hit: false);
        }

        snapshot = null!;
        return false;
    }

    /// <summary>Keeps what a read found, unless an eviction happened since it began.</summary>
    public void Keep(IEnumerable<OfferSnapshot> snapshots, long readToken)
    {
        if (Interlocked.Read(ref _evictions) != readToken)
        {
            return;
        }

        var entry = new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.OfferSnapshotCacheTtl, Size = 1 };
        foreach (var snapshot in snapshots)
        {
            _cache.Set(Key(snapshot.OfferId), snapshot, entry);
        }
    }

    public void EvictOffer(Guid offerId)
    {
        Interlocked.Increment(ref _evictions);
        _cache.Remove(Key(offerId));
    }

    /// <summary>A product's content (title, category, brand) is part of every snapshot of its offers.</summary>
    public void EvictProduct(Guid productId)
    {
        Interlocked.Increment(ref _evictions);
        Interlocked.Increment(ref _generation);
    }

    public void Dispose() => _cache.Dispose();

    private (long, Guid) Key(Guid offerId) => (Interlocked.Read(ref _generation), offerId);
}
