using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Microsoft.Extensions.Logging;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// Keeps the search index current from the Catalog's outbox events: a product's content changed
/// (<see cref="ProductChanged"/>) or its listing summary was recomputed (<see cref="ProductListingsRefreshed"/>).
/// One durable queue per deployment (named by the host's endpoint formatter, batched by
/// <c>Messaging:Batch</c>), shared by the replicas. Each batch reads its products from PostgreSQL in one
/// query and writes them through the alias with <c>_bulk</c>: listed products indexed, unlisted or missing ones
/// deleted. Every write carries the time of its read as an external version, so a batch that read earlier can never
/// overwrite one that read later, and a redelivery (which reads again) is harmless; no inbox is needed.
/// </summary>
internal sealed class ProductIndexSync(CatalogDbContext db, ProductIndex index, ILogger<ProductIndexSync> logger)
    : IConsumer<Batch<ProductChanged>>, IConsumer<Batch<ProductListingsRefreshed>>
{
    public Task Consume(ConsumeContext<Batch<ProductChanged>> context) =>
        SyncAsync(context.Message.Select(m => m.Message.ProductId), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<ProductListingsRefreshed>> context) =>
        SyncAsync(context.Message.SelectMany(m => m.Message.ProductIds), context.CancellationToken);

    private async Task SyncAsync(IEnumerable<Guid> productIds, CancellationToken cancellationToken)
    {
        var ids = productIds.Distinct().ToList();
        var rows = await ProductRows.ByIdsAsync(db, ids, cancellationToken);
        var found = rows.Select(r => r.Id).ToHashSet();
        var version = rows.Count > 0 ? rows[0].Version : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        // A product that is gone from the database is deleted from the index like an unlisted one.
        rows.AddRange(ids.Where(id => !found.Contains(id)).Select(id => new ProductRow(id, null, version)));

        // Through the alias: during a reindex it still names the index searches read.
        var tally = await index.WriteAsync(index.Alias, rows, cancellationToken);
        logger.LogDebug(
            "Search index sync: {Indexed} indexed, {Deleted} deleted, {Stale} stale, {Rejected} rejected, {Retried} retried",
            tally.Indexed, tally.Deleted, tally.Stale, tally.Rejected, tally.Retried);
    }
}
