using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Storage;

/// <summary>
/// Carts in process memory, for the embedded profile (one process, so nothing to share). Each cart is changed under
/// its own lock, so concurrent changes to one cart lose nothing and changes to different carts do not wait for each
/// other. An expired cart is dropped when next touched, and by a sweep at most once per time-to-live period. At most
/// <see cref="CartOptions.MaxMemoryCarts"/> are held: when full, expired carts are swept out at once, and if that frees
/// nothing a new cart is refused (existing carts are never evicted to make room).
/// </summary>
internal sealed class MemoryCartStore(TimeProvider clock, IOptions<CartOptions> options) : ICartStore
{
    private readonly ConcurrentDictionary<string, Entry> _carts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (Guid Customer, DateTimeOffset Until)> _merged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _removedOrders = new();
    private long _nextSweepTicks;
    private long _lastForcedSweepTicks;

    private sealed class Entry
    {
        public readonly Dictionary<Guid, StoredLine> Lines = [];
        public readonly Dictionary<string, long> Codes = new(StringComparer.Ordinal);
        public long Version;
        public long Sequence;
        public DateTimeOffset ExpiresAt;

        /// <summary>Set under the lock when the entry leaves the dictionary; a writer holding a stale reference retries.</summary>
        public bool Gone;

        public StoredCart Snapshot() => new(
            Version,
            Lines.Values.OrderBy(l => l.Sequence).ToList(),
            Codes.OrderBy(c => c.Value).Select(c => c.Key).ToList());
    }

    public Task<StoredCart?> ReadAsync(CartKey key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_carts.TryGetValue(Key(key), out var entry))
        {
            lock (entry)
            {
                if (!entry.Gone && entry.ExpiresAt > now)
                {
                    return Task.FromResult<StoredCart?>(entry.Snapshot());
                }
            }
        }

        return Task.FromResult(key.IsGuest ? null : StoredCart.Empty);
    }

    public Task<bool> WasMergedAsync(CartKey guest, CancellationToken cancellationToken) =>
        Task.FromResult(_merged.TryGetValue(Key(guest), out var merged) && merged.Until > clock.GetUtcNow());

    public Task<CartWrite> AddAsync(CartKey key, NewLine line, CartLimits limits, bool mayCreate, CancellationToken cancellationToken) =>
        Task.FromResult(Change(key, limits, !mayCreate, entry =>
        {
            if (entry.Lines.TryGetValue(line.OfferId, out var existing))
            {
                if (existing.Quantity + line.Quantity > limits.MaxQuantityPerLine)
                {
                    return new CartWrite(CartWriteStatus.QuantityOverLimit, existing.Quantity);
                }

                entry.Lines[line.OfferId] = existing with { Quantity = existing.Quantity + line.Quantity };
                return new CartWrite(CartWriteStatus.Written, existing.Quantity + line.Quantity);
            }

            if (entry.Lines.Count >= limits.MaxLines)
            {
                return new CartWrite(CartWriteStatus.TooManyLines);
            }

            if (line.Quantity > limits.MaxQuantityPerLine)
            {
                return new CartWrite(CartWriteStatus.QuantityOverLimit);
            }

            entry.Lines[line.OfferId] = new StoredLine(line.OfferId, line.SellerId, line.Quantity, line.PriceSeen, ++entry.Sequence);
            return new CartWrite(CartWriteStatus.Written, line.Quantity);
        }));

    public Task<CartWrite> SetQuantityAsync(CartKey key, Guid offerId, int quantity, CartLimits limits, CancellationToken cancellationToken) =>
        Task.FromResult(Change(key, limits, mustExist: true, entry =>
        {
            if (!entry.Lines.TryGetValue(offerId, out var existing))
            {
                return new CartWrite(CartWriteStatus.LineNotFound);
            }

            entry.Lines[offerId] = existing with { Quantity = quantity };
            return new CartWrite(CartWriteStatus.Written, quantity);
        }));

    public Task<CartWrite> RemoveAsync(CartKey key, Guid offerId, CartLimits limits, CancellationToken cancellationToken) =>
        Task.FromResult(Change(key, limits, mustExist: true, entry =>
            entry.Lines.Remove(offerId) ? new CartWrite(CartWriteStatus.Written) : new CartWrite(CartWriteStatus.LineNotFound)));

    public Task<CartWrite> AddPromoCodeAsync(CartKey key, string code, CartLimits limits, bool mayCreate, CancellationToken cancellationToken) =>
        Task.FromResult(Change(key, limits, !mayCreate, entry =>
        {
            if (entry.Codes.ContainsKey(code))
            {
                return new CartWrite(CartWriteStatus.Written);
            }

            if (entry.Codes.Count >= limits.MaxPromoCodes)
            {
                return new CartWrite(CartWriteStatus.TooManyPromoCodes);
            }

            entry.Codes[code] = ++entry.Sequence;
            return new CartWrite(CartWriteStatus.Written);
        }));

    public Task<CartWrite> RemovePromoCodeAsync(CartKey key, string code, CartLimits limits, CancellationToken cancellationToken) =>
        Task.FromResult(Change(key, limits, mustExist: true, entry =>
            entry.Codes.Remove(code) ? new CartWrite(CartWriteStatus.Written) : new CartWrite(CartWriteStatus.LineNotFound)));

    public Task<MergeResult> MergeAsync(CartKey guest, CartKey customer, Guid customerId, CartLimits limits, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var guestKey = Key(guest);
        while (true)
        {
            if (!_carts.TryGetValue(guestKey, out var source))
            {
                return Task.FromResult(AlreadyMergedOrMissing(guestKey, customerId, now));
            }

            StoredCart taken;
            lock (source)
            {
                if (source.Gone)
                {
                    continue;
                }

                source.Gone = true;
                _carts.TryRemove(guestKey, out _);
                if (source.ExpiresAt <= now)
                {
                    return Task.FromResult(AlreadyMergedOrMissing(guestKey, customerId, now));
                }

                taken = source.Snapshot();
                _merged[guestKey] = (customerId, now + limits.MergedTokenMemory);
            }

            var leftBehind = new List<Guid>();
            Change(customer, limits, mustExist: false, entry =>
            {
                foreach (var line in taken.Lines)
                {
                    if (entry.Lines.TryGetValue(line.OfferId, out var existing))
                    {
                        entry.Lines[line.OfferId] = existing with { Quantity = Math.Min(existing.Quantity + line.Quantity, limits.MaxQuantityPerLine) };
                    }
                    else if (entry.Lines.Count < limits.MaxLines)
                    {
                        entry.Lines[line.OfferId] = line with { Quantity = Math.Min(line.Quantity, limits.MaxQuantityPerLine), Sequence = ++entry.Sequence };
                    }
                    else
                    {
                        leftBehind.Add(line.OfferId);
                    }
                }

                foreach (var code in taken.PromoCodes.Where(c => !entry.Codes.ContainsKey(c)))
                {
                    if (entry.Codes.Count < limits.MaxPromoCodes)
                    {
                        entry.Codes[code] = ++entry.Sequence;
                    }
                }

                return new CartWrite(CartWriteStatus.Written);
            });
            return Task.FromResult(new MergeResult(MergeStatus.Merged, leftBehind));
        }
    }

    public Task RemoveOrderedAsync(CartKey key, Guid orderGroupId, IReadOnlyDictionary<Guid, int> ordered, CartLimits limits, CancellationToken cancellationToken)
    {
        // Whoever adds the marker first removes; a repeat, concurrent or later, finds it and changes nothing.
        if (!_removedOrders.TryAdd(orderGroupId, clock.GetUtcNow() + limits.RecordedOrderMemory))
        {
            return Task.CompletedTask;
        }

        Change(key, limits, mustExist: true, entry =>
        {
            var changed = false;
            foreach (var (offerId, quantity) in ordered)
            {
                if (entry.Lines.TryGetValue(offerId, out var line))
                {
                    changed = true;
                    if (line.Quantity > quantity)
                    {
                        entry.Lines[offerId] = line with { Quantity = line.Quantity - quantity };
                    }
                    else
                    {
                        entry.Lines.Remove(offerId);
                    }
                }
            }

            return new CartWrite(changed ? CartWriteStatus.Written : CartWriteStatus.LineNotFound);
        });
        return Task.CompletedTask;
    }

    private MergeResult AlreadyMergedOrMissing(string guestKey, Guid customerId, DateTimeOffset now) =>
        _merged.TryGetValue(guestKey, out var merged) && merged.Customer == customerId && merged.Until > now
            ? new MergeResult(MergeStatus.AlreadyMerged, [])
            : new MergeResult(MergeStatus.GuestCartNotFound, []);

    /// <summary>
    /// Runs one change under the cart's lock. A cart the change needs to exist (one whose line is updated) must be
    /// live; otherwise a cart that is not stored is created by the change, unless it is a guest cart merged away or
    /// the store is full.
    /// </summary>
    private CartWrite Change(CartKey key, CartLimits limits, bool mustExist, Func<Entry, CartWrite> change)
    {
        var now = clock.GetUtcNow();
        Sweep(now, limits, force: false);
        var name = Key(key);
        var timeToLive = limits.TimeToLive(key);
        while (true)
        {
            var entry = _carts.GetValueOrDefault(name);
            if (entry is null && !mustExist && !(key.IsGuest && _merged.TryGetValue(name, out var merged) && merged.Until > now))
            {
                // The cap binds guest carts only: anyone can mint guest tokens, while customers come from rate-limited
                // registrations, so a flood of anonymous carts must not lock signed-in shoppers out.
                if (key.IsGuest && _carts.Count >= options.Value.MaxMemoryCarts)
                {
                    Sweep(now, limits, force: true);
                    if (_carts.Count >= options.Value.MaxMemoryCarts)
                    {
                        return new CartWrite(CartWriteStatus.StoreFull);
                    }
                }

                entry = _carts.GetOrAdd(name, _ => new Entry { ExpiresAt = now + timeToLive });
            }

            if (entry is null)
            {
                return new CartWrite(CartWriteStatus.CartNotFound);
            }

            lock (entry)
            {
                if (entry.Gone)
                {
                    continue;
                }

                if (entry.ExpiresAt <= now)
                {
                    entry.Gone = true;
                    _carts.TryRemove(name, out _);
                    continue;
                }

                var result = change(entry);
                if (result.Status == CartWriteStatus.Written)
                {
                    entry.Version++;
                    entry.ExpiresAt = now + timeToLive;
                }

                return result;
            }
        }
    }

    private void Sweep(DateTimeOffset now, CartLimits limits, bool force)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        var next = (now + TimeSpan.FromTicks(Math.Min(limits.IdleTimeToLive.Ticks, limits.GuestIdleTimeToLive.Ticks))).UtcTicks;
        if (!force && (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, next, due) != due))
        {
            return;
        }

        // A full store is swept on demand, but at most once a second: each sweep walks every cart.
        var lastForced = Interlocked.Read(ref _lastForcedSweepTicks);
        if (force && (now.UtcTicks - lastForced < TimeSpan.TicksPerSecond || Interlocked.CompareExchange(ref _lastForcedSweepTicks, now.UtcTicks, lastForced) != lastForced))
        {
            return;
        }

        foreach (var (name, entry) in _carts)
        {
            lock (entry)
            {
                if (!entry.Gone && entry.ExpiresAt <= now)
                {
                    entry.Gone = true;
                    _carts.TryRemove(name, out _);
                }
            }
        }

        foreach (var (name, merged) in _merged)
        {
            if (merged.Until <= now)
            {
                _merged.TryRemove(name, out _);
            }
        }

        foreach (var (orderGroupId, until) in _removedOrders)
        {
            if (until <= now)
            {
                _removedOrders.TryRemove(orderGroupId, out _);
            }
        }
    }

    private static string Key(CartKey key) => (key.IsGuest ? "g:" : "c:") + key.Id;
}
