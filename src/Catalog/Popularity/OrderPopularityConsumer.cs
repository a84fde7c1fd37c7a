using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Popularity;

/// <summary>
/// Counts every unit a placed order bought toward its product's popularity (<see cref="CatalogOptions.PopularityOrderWeight"/>
/// each), through the same buffer and flush as views. A redelivered event counts again: popularity ranks, it is not a
/// ledger, so no inbox is kept for it.
/// </summary>
internal sealed class OrderPopularityConsumer(CatalogDbContext db, PopularityBuffer buffer) : IConsumer<OrderedUnitsRead>
{
    public async Task Consume(ConsumeContext<OrderedUnitsRead> context)
    {
        var lines = context.Message.Lines ?? [];
        var offerIds = lines.Select(l => l.OfferId).Distinct().ToList();
        if (offerIds.Count == 0)
        {
            return;
        }

        var products = await db.Offers.Where(o => offerIds.Contains(o.Id)).Select(o => new { o.Id, o.ProductId })
            .ToDictionaryAsync(o => o.Id, o => o.ProductId, context.CancellationToken);
        foreach (var line in lines)
        {
            if (products.TryGetValue(line.OfferId, out var productId))
            {
                buffer.Record(productId, PopularitySignal.Order, Math.Max(1, line.Quantity ?? 1));
            }
        }
    }
}
