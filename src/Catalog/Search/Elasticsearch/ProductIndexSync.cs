using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Microsoft.Extensions.Logging;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// Keeps the search index current from the Catalog's outbox events: a product's content changed
/// (<see cref="ProductChanged"/>), its listing summary was recomputed (<see cref="ProductListingsRefreshed"/>), or its
/// popularity rose (<see cref="ProductPopularityChanged"/>).
/// One durable queue per deployment (named by the host's endpoint formatter, batched by
/// <c>Messaging:Batch</c>), shared by the replicas. Each batch reads its products from PostgreSQL in one
/// query and writes them through the alias with <c>_bulk</c>: listed products indexed, unlisted or missing ones
/// deleted. Every write carries the time of its read as an external version, so a batch that read earlier can never
/// overwrite one that read later, and a redelivery (which reads again) is harmless; no inbox is needed.
/// </summary>
internal sealed class ProductIndexSync(CatalogDbContext db, ProductIndex index, ILogger<ProductIndexSync> logger)
    : IConsumer<Batch<ProductChanged>>, IConsumer<Batch<ProductListingsRefreshed>>, IConsumer<Batch<ProductPopularityChanged>>
{
    public Task Consume(ConsumeContext<Batch<ProductChanged>> context) =>
        SyncAsync(context.Message.Select(m => m.Message.ProductId), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<ProductListingsRefreshed>> context) =>
        SyncAsync(context.Message.SelectMany(m => m.Message.ProductIds), context.CancellationToken);

    public Task Consume(ConsumeContext<Batch<ProductPopularityChanged>> context) =>
        SyncAsync(context.Message.SelectMany(m => m.Message.ProductIds), context.CancellationToken);

    private async Task SyncAsync(IEnumerable<Guid> productIds, CancellationToken cancellationToken)
    {
        var tally = await WriteCurrentAsync(db, index, productIds.Distinct().ToList(), cancellationToken);
        logger.LogDebug(
            "Search index sync: {Indexed} indexed, {Deleted} deleted, {Stale} stale, {Rejected} rejected, {Retried} retried",
            tally.Indexed, tally.Deleted, tally.Stale, tally.Rejected, tally.Retried);
    }

    /// <summary>
    /// Reads these products from PostgreSQL and writes them through the alias: listed ones indexed, unlisted or gone
    /// ones deleted, all with the version of that one read (the database's clock, never this host's). The sync's
    /// batches and a rebuild's catch-up after its alias swap both go through here.
    /// </summary>
    public static async Task<BulkTally> WriteCurrentAsync(CatalogDbContext db, ProductIndex index, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var rows = await ProductRows.ByIdsAsync(db, ids, cancellationToken);

        // Through the alias: during a reindex it still names the index searches read.
        return await index.WriteAsync(index.Alias, rows, cancellationToken);
    }
}
