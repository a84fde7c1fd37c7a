using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Marketplace.Catalog.Persistence;
using Microsoft.Extensions.Logging;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>Where a rebuild is: the stage, and listed products written of those counted at the start.</summary>
public sealed record ReindexProgress(string Stage, int Written, int Total);

/// <summary>What a rebuild did: the new index, the ones it replaced, and the documents written.</summary>
public sealed record ReindexResult(string Index, IReadOnlyList<string> Replaced, int Written, int Rejected, TimeSpan Elapsed);

/// <summary>
/// <c>reindex</c>: builds a new index <c>{alias}-{yyyyMMddHHmmss}</c> with the current mapping, streams every listed
/// product into it from PostgreSQL in id-keyset batches, refreshes it, then moves the alias onto it in one
/// <c>_aliases</c> request (remove from the old indices and add to the new, which Elasticsearch applies atomically), so
/// a search sees either the old index or the complete new one, never an empty one; the old indices are deleted last.
/// Changes the sync writes to the old index while the new one is being built reach the new one only with their
/// product's next change; run it when the catalog is quiet, or follow it by touching what changed meanwhile.
/// </summary>
internal sealed class SearchIndexRebuild(CatalogDbContext db, ProductIndex index, TimeProvider clock, ILogger<SearchIndexRebuild> logger)
{
    public async Task<ReindexResult> RunAsync(IProgress<ReindexProgress>? progress, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var name = $"{index.Alias}-{clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
        var total = await ProductRows.CountListedAsync(db, cancellationToken);
        progress?.Report(new ReindexProgress("creating", 0, total));
        var created = await index.Client.Indices.CreateAsync(ProductIndex.Definition(name, index.Options), cancellationToken);
        ProductIndex.Ensure(created, $"create index {name}");

        var written = 0;
        var rejected = 0;
        var after = Guid.Empty;
        while (true)
        {
            var rows = await ProductRows.ListedAfterAsync(db, after, index.Options.BulkBatchSize, cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            var tally = await index.WriteAsync(name, rows, cancellationToken);
            written += tally.Indexed;
            rejected += tally.Rejected;
            after = rows[^1].Id;
            progress?.Report(new ReindexProgress("indexing", written, total));
        }

        progress?.Report(new ReindexProgress("refreshing", written, total));
        ProductIndex.Ensure(await index.Client.Indices.RefreshAsync(new RefreshRequest(Indices.Index(name)), cancellationToken), $"refresh {name}");

        var previous = (await index.AliasTargetsAsync(cancellationToken)).Where(i => i != name).ToList();
        progress?.Report(new ReindexProgress("swapping", written, total));
        var actions = new List<IndexUpdateAliasesAction>();
        actions.AddRange(previous.Select(old => (IndexUpdateAliasesAction)new RemoveAction { Index = old, Alias = index.Alias }));
        actions.Add(new AddAction { Index = name, Alias = index.Alias });
        ProductIndex.Ensure(await index.Client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions }, cancellationToken), $"point {index.Alias} at {name}");
        logger.LogInformation("Alias {Alias} now points at {Index} ({Written} products); it pointed at {Previous}", index.Alias, name, written, previous);

        foreach (var old in previous)
        {
            ProductIndex.Ensure(await index.Client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Index(old)), cancellationToken), $"delete {old}");
        }

        progress?.Report(new ReindexProgress("done", written, total));
        return new ReindexResult(name, previous, written, rejected, clock.GetElapsedTime(started));
    }
}
