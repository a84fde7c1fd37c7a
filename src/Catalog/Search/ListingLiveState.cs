using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>What a listing shows of a product's offers right now: the part of a listing that changes every second.</summary>
/// <param name="Listed">Whether anybody offers the product; a product nobody offers leaves the listing.</param>
/// <param name="MinPrice">Lowest price among in-stock offers, or among all offers when none has stock.</param>
/// <param name="Currency">The offers' currency.</param>
/// <param name="InStock">Whether any offer has stock.</param>
/// <param name="OfferCount">How many offers the product has.</param>
internal sealed record LiveOffers(bool Listed, decimal? MinPrice, string? Currency, bool InStock, int OfferCount)
{
    public static readonly LiveOffers None = new(false, null, null, false, 0);
}

/// <summary>
/// The offer state of the products that cached listing pages show, read from the offers themselves (not from the
/// listing summary, which a consumer refreshes behind the writes), so a cached page can show a price or stock no older
/// than <see cref="CatalogOptions.ListingLiveStateTtl"/> while its order and membership stay cached for longer.
/// <para>
/// A product's state is reused for that long; the first request that finds it older reads it again, in one query with
/// every other expired product of its page, while concurrent requests keep the state they found (at most one such read
/// per product at a time). An <c>OfferChanged</c> heard by this replica drops the product's state at once, so it is
/// usually fresher than the bound. A state read that finds the same values keeps the same instance, which lets a page
/// whose products did not change keep its serialized bytes.
/// </para>
/// </summary>
internal sealed class ListingLiveState(IOptions<CatalogOptions> options)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    /// <summary>The products' states in the order of <paramref name="productIds"/>, reading the expired and missing ones.</summary>
    public async Task<LiveOffers[]> GetAsync(IReadOnlyList<Guid> productIds, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var states = new LiveOffers[productIds.Count];
        var now = Stopwatch.GetTimestamp();
        var ttl = (long)(options.Value.ListingLiveStateTtl.TotalSeconds * Stopwatch.Frequency);
        List<(int Index, Entry? Claimed)>? reads = null;
        for (var i = 0; i < productIds.Count; i++)
        {
            if (!_entries.TryGetValue(productIds[i], out var entry))
            {
                (reads ??= []).Add((i, null));
            }
            else if (now - Volatile.Read(ref entry.ReadAt) < ttl || Interlocked.CompareExchange(ref entry.Reading, 1, 0) != 0)
            {
                // Fresh, or another request is reading it now: its read started within the bound.
                states[i] = entry.State;
            }
            else
            {
                (reads ??= []).Add((i, entry));
            }
        }

        if (reads is null)
        {
            return states;
        }

        try
        {
            var ids = reads.Select(r => productIds[r.Index]).Distinct().ToList();
            var found = await ReadAsync(ids, db, cancellationToken);
            var readAt = Stopwatch.GetTimestamp();
            foreach (var (index, _) in reads)
            {
                var id = productIds[index];
                var state = found.GetValueOrDefault(id, LiveOffers.None);
                var entry = _entries.GetOrAdd(id, _ => new Entry(state));
                if (!entry.State.Equals(state))
                {
                    entry.State = state;
                }

                Volatile.Write(ref entry.ReadAt, readAt);
                states[index] = entry.State;
            }
        }
        finally
        {
            foreach (var (_, claimed) in reads)
            {
                if (claimed is not null)
                {
                    Volatile.Write(ref claimed.Reading, 0);
                }
            }
        }

        TrimIfFull();
        return states;
    }

    /// <summary>Drops a product's state, so the next page that shows it reads it again.</summary>
    public void Evict(Guid productId) => _entries.TryRemove(productId, out _);

    /// <summary>How many products' states this replica holds.</summary>
    public int Count => _entries.Count;

    private static async Task<Dictionary<Guid, LiveOffers>> ReadAsync(List<Guid> productIds, CatalogDbContext db, CancellationToken cancellationToken)
    {
        // The same rules as the listing summary (ProductListingSummary): the lowest in-stock price, else the lowest price.
        var rows = await db.Offers.AsNoTracking()
            .Where(o => productIds.Contains(o.ProductId))
            .GroupBy(o => o.ProductId)
            .Select(g => new
            {
                ProductId = g.Key,
                InStockMin = g.Where(o => o.Stock > 0).Min(o => (decimal?)o.Price),
                AnyMin = g.Min(o => (decimal?)o.Price),
                Currency = g.Min(o => o.Currency),
                MostStock = g.Max(o => o.Stock),
                Offers = g.Count(),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.ProductId, r => new LiveOffers(true, r.InStockMin ?? r.AnyMin, r.Currency, r.MostStock > 0, r.Offers));
    }

    /// <summary>Keeps the map within <see cref="CatalogOptions.MaxListingLiveStates"/>: expired states go first, then all.</summary>
    private void TrimIfFull()
    {
        var limit = options.Value.MaxListingLiveStates;
        if (_entries.Count <= limit)
        {
            return;
        }

        var expiredBefore = Stopwatch.GetTimestamp() - (long)(options.Value.ListingLiveStateTtl.TotalSeconds * Stopwatch.Frequency);
        foreach (var (id, entry) in _entries)
        {
            if (Volatile.Read(ref entry.ReadAt) < expiredBefore)
            {
                _entries.TryRemove(id, out _);
            }
        }

        if (_entries.Count > limit)
        {
            _entries.Clear();
        }
    }

    private sealed class Entry(LiveOffers state)
    {
        public volatile LiveOffers State = state;
        public long ReadAt;
        public int Reading;
    }
}
