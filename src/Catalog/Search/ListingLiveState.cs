using System.Collections.Concurrent;
using System.Diagnostics;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

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
/// A product's state is reused for that long, counted from when its read started; the first request that finds it older
/// reads it again, in one query with every other expired product of its page, while concurrent requests keep the state
/// they found (one such read per product at a time; a product never read before may be read by several requests at
/// once). An <c>OfferChanged</c> heard by this replica expires the product's state at once, and a read that started
/// before it does not count as fresh, so the state is usually fresher than the bound. A state read that finds the same values keeps the same instance, which lets a page
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
        // Taken before the read: a state counts as read when its query started, so the bound holds whatever the query takes.
        var readStart = Stopwatch.GetTimestamp();
        var ttl = (long)(options.Value.ListingLiveStateTtl.TotalSeconds * Stopwatch.Frequency);
        List<(int Index, Entry Entry, bool Claimed)>? reads = null;
        for (var i = 0; i < productIds.Count; i++)
        {
            var entry = _entries.GetOrAdd(productIds[i], static _ => new Entry());
            var state = entry.State;
            if (state is not null && entry.IsFresh(readStart, ttl))
            {
                states[i] = state;
            }
            else if (Interlocked.CompareExchange(ref entry.Reading, 1, 0) == 0)
            {
                (reads ??= []).Add((i, entry, true));
            }
            else if (state is not null)
            {
                // Another request is reading it now: its read started within the bound.
                states[i] = state;
            }
            else
            {
                // Never read yet and another request is reading it: read it too rather than wait.
                (reads ??= []).Add((i, entry, false));
            }
        }

        if (reads is null)
        {
            return states;
        }

        try
        {
            var found = await ReadAsync(reads.Select(r => productIds[r.Index]).Distinct().ToList(), db, cancellationToken);
            foreach (var (index, entry, _) in reads)
            {
                var read = found.GetValueOrDefault(productIds[index], LiveOffers.None);
                states[index] = entry.Store(read, readStart);
            }
        }
        finally
        {
            foreach (var (_, entry, claimed) in reads)
            {
                if (claimed)
                {
                    Volatile.Write(ref entry.Reading, 0);
                }
            }
        }

        TrimIfFull();
        return states;
    }

    /// <summary>
    /// Marks a product's state as changed: the next page that shows it reads it again, and a read that started before
    /// now does not count as fresh (its values may predate the change).
    /// </summary>
    public void Evict(Guid productId)
    {
        if (_entries.TryGetValue(productId, out var entry))
        {
            entry.Evicted(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>How many products' states this replica holds.</summary>
    public int Count => _entries.Count;

    /// <summary>The rules of the listing summary (ProductListingSummary): the lowest in-stock price, else the lowest price.</summary>
    private static readonly string PostgresSql = $"""
        SELECT product_id, min(price) FILTER (WHERE stock > 0), min(price), min(currency), max(stock), count(*)
        FROM {CatalogDbContext.Schema}.offers WHERE product_id = ANY(@ids) GROUP BY product_id
        """;

    private static async Task<Dictionary<Guid, LiveOffers>> ReadAsync(List<Guid> productIds, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var states = new Dictionary<Guid, LiveOffers>(productIds.Count);
        if (db.IsPostgres)
        {
            // A hot path (every cached page, every second): one prepared statement read straight from its rows.
            return await db.ReadRawAsync(PostgresSql, [new NpgsqlParameter("ids", productIds.ToArray())], async reader =>
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var lowest = reader.IsDBNull(1) ? reader.IsDBNull(2) ? (decimal?)null : reader.GetDecimal(2) : reader.GetDecimal(1);
                    states[reader.GetGuid(0)] = new LiveOffers(true, lowest, reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4) > 0, (int)reader.GetInt64(5));
                }

                return states;
            }, cancellationToken);
        }

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
        foreach (var r in rows)
        {
            states[r.ProductId] = new LiveOffers(true, r.InStockMin ?? r.AnyMin, r.Currency, r.MostStock > 0, r.Offers);
        }

        return states;
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
            if (entry.ReadStartedBefore(expiredBefore))
            {
                _entries.TryRemove(id, out _);
            }
        }

        if (_entries.Count > limit)
        {
            _entries.Clear();
        }
    }

    /// <summary>
    /// One product's state and when the read that produced it started. A read only replaces a state read later than it
    /// started (overlapping reads cannot put older values back), and a state read before the last eviction is never fresh.
    /// </summary>
    private sealed class Entry
    {
        private volatile Snapshot? _current;
        private long _evictedAt = long.MinValue;
        public int Reading;

        public LiveOffers? State => _current?.State;

        public bool IsFresh(long now, long ttl) =>
            _current is { } current && current.ReadStart > Volatile.Read(ref _evictedAt) && now - current.ReadStart < ttl;

        public bool ReadStartedBefore(long timestamp) => (_current?.ReadStart ?? long.MinValue) < timestamp;

        public void Evicted(long at) => Volatile.Write(ref _evictedAt, at);

        /// <summary>Keeps <paramref name="read"/> unless a later read is already kept; returns the state to show (same instance when the values did not change).</summary>
        public LiveOffers Store(LiveOffers read, long readStart)
        {
            while (true)
            {
                var current = _current;
                if (current is not null && current.ReadStart > readStart)
                {
                    return current.State;
                }

                var next = new Snapshot(current is not null && current.State.Equals(read) ? current.State : read, readStart);
                if (Interlocked.CompareExchange(ref _current, next, current) == current)
                {
                    return next.State;
                }
            }
        }

        private sealed record Snapshot(LiveOffers State, long ReadStart);
    }
}
