using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Popularity;

/// <summary>What made a product more popular; each kind has a configured weight.</summary>
internal enum PopularitySignal
{
    View,

    /// <summary>A unit ordered; for Ordering's order-placed event to feed through <see cref="PopularityBuffer.Record"/>.</summary>
    Order,
}

/// <summary>
/// Collects popularity signals in memory so that a product view costs no database write; the
/// <see cref="PopularityFlusher"/> writes what has gathered every few seconds in one statement.
/// </summary>
internal sealed class PopularityBuffer(IOptions<CatalogOptions> options, TimeProvider clock)
{
    /// <summary>Scores are stored relative to this instant; see <see cref="Boost"/>.</summary>
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<Guid, double> _pending = new();

    public void Record(Guid productId, PopularitySignal signal, int count = 1)
    {
        var weight = signal == PopularitySignal.Order ? options.Value.PopularityOrderWeight : options.Value.PopularityViewWeight;
        _pending.AddOrUpdate(productId, weight * count, (_, total) => total + (weight * count));
    }

    /// <summary>Takes everything gathered so far, already scaled by <see cref="Boost"/>; signals recorded meanwhile stay for the next drain.</summary>
    public Dictionary<Guid, double> Drain()
    {
        var boost = Boost(clock.GetUtcNow());
        var drained = new Dictionary<Guid, double>();
        foreach (var productId in _pending.Keys)
        {
            if (_pending.TryRemove(productId, out var weight))
            {
                drained[productId] = weight * boost;
            }
        }

        return drained;
    }

    /// <summary>
    /// Exponential decay without touching old rows: a signal now adds 2^(age of now / half-life) relative to the epoch,
    /// so every stored score shrinks by half, relative to new signals, each half-life, and the order of products by
    /// score is the order by decayed popularity. With a 7-day half-life the numbers stay far inside double range for decades.
    /// </summary>
    public double Boost(DateTimeOffset now) => Math.Pow(2, (now - Epoch) / options.Value.PopularityHalfLife);
}
