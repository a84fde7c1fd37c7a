using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Offers.Lookup;

/// <summary>
/// Offer snapshots this replica has read, kept until an event says the offer (or its product) changed, and
/// <see cref="CatalogOptions.OfferSnapshotCacheTtl"/> at most. Every cart read looks its offers up, so this turns the
/// common read into memory lookups; the events arrive on a queue of this replica's own, like product detail's.
/// A read that overlapped an eviction is not kept: it may have read the offer before the change committed.
/// </summary>
internal sealed class OfferSnapshotCache(IOptions<CatalogOptions> options)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private long _evictions;

    public bool Enabled => options.Value.OfferSnapshotCacheTtl > TimeSpan.Zero;

    /// <summary>A token to hand back to <see cref="Keep"/>: the eviction count when a read began.</summary>
    public long BeginRead() => Interlocked.Read(ref _evictions);

    public bool TryGet(Guid offerId, out OfferSnapshot snapshot)
    {
        if (_entries.TryGetValue(offerId, out var entry) && Stopwatch.GetTimestamp() < entry.ExpiresAt)
        {
            snapshot = entry.Snapshot;
            return true;
        }

        snapshot = null!;
        return false;
    }

    /// <summary>Keeps what a read found, unless an eviction happened since it began or the cache is full.</summary>
    public void Keep(IEnumerable<OfferSnapshot> snapshots, long readToken)
    {
        var limits = options.Value;
        if (Interlocked.Read(ref _evictions) != readToken || _entries.Count >= limits.MaxOfferSnapshots)
        {
            return;
        }

        var expiresAt = Stopwatch.GetTimestamp() + (long)(limits.OfferSnapshotCacheTtl.TotalSeconds * Stopwatch.Frequency);
        foreach (var snapshot in snapshots)
        {
            _entries[snapshot.OfferId] = new Entry(snapshot, expiresAt);
        }
    }

    public void EvictOffer(Guid offerId)
    {
        Interlocked.Increment(ref _evictions);
        _entries.TryRemove(offerId, out _);
    }

    /// <summary>A product's content (title, category, brand) is part of every snapshot of its offers.</summary>
    public void EvictProduct(Guid productId)
    {
        Interlocked.Increment(ref _evictions);
        foreach (var (offerId, entry) in _entries)
        {
            if (entry.Snapshot.ProductId == productId)
            {
                _entries.TryRemove(offerId, out _);
            }
        }
    }

    private sealed record Entry(OfferSnapshot Snapshot, long ExpiresAt);
}
