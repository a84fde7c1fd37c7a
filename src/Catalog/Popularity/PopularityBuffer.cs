using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Popularity;

/// <summary>What made a product more popular; each kind has a configured weight.</summary>
internal enum PopularitySignal
{
    View,

    /// <summary>A unit bought, from Ordering's order-placed event (<see cref="OrderPopularityConsumer"/>).</summary>
    Order,
}

/// <summary>
/// Collects popularity signals in memory so that a product view costs no database write; the
/// <see cref="PopularityFlusher"/> writes what has gathered every few seconds in one statement. The buffer holds plain
/// weights: a few seconds of signals are taken as made at the flush, which a half-life of days cannot tell apart.
/// </summary>
internal sealed class PopularityBuffer(IOptions<CatalogOptions> options)
{
    private readonly ConcurrentDictionary<Guid, double> _pending = new();

    public void Record(Guid productId, PopularitySignal signal, int count = 1)
    {
        var weight = signal == PopularitySignal.Order ? options.Value.PopularityOrderWeight : options.Value.PopularityViewWeight;
        if (weight * count > 0)
        {
            _pending.AddOrUpdate(productId, weight * count, (_, total) => total + (weight * count));
        }
    }

    /// <summary>Takes the weights gathered so far, per product; signals recorded meanwhile stay for the next drain.</summary>
    public Dictionary<Guid, double> Drain()
    {
        var drained = new Dictionary<Guid, double>();
        foreach (var productId in _pending.Keys)
        {
            if (_pending.TryRemove(productId, out var weight))
            {
                drained[productId] = weight;
            }
        }

        return drained;
    }
}
