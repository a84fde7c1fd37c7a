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
/// <c>reindex</c>: builds a new index <c>{alias}-{yyyyMMddHHmmssfff}-{6 random hex digits}</c> with the current mapping, streams every listed
/// product into it from PostgreSQL in id-keyset batches, refreshes it, then moves the alias onto it in one
/// <c>_aliases</c> request (remove from the old indices and add to the new, which Elasticsearch applies atomically), so
/// a search sees either the old index or the complete new one, never an empty one.
/// <para>
/// The sync writes through the alias, so what changes while the new index is built lands in the old one. The rebuild
/// therefore notes the database's time before it reads anything, and after the swap writes again, through the sync's
/// own code and the alias, every product whose row or offers changed since (deleting those no longer listed); only
/// then are the old indices deleted. A write the sync makes meanwhile is harmless: the newer read wins by version.
/// </para>
/// <para>
/// A rebuild that fails deletes its half-built index and leaves the alias where it was. One in which Elasticsearch
/// rejected any document does the same (the new index would miss those products) unless <c>force</c> is given.
/// </para>
/// </summary>
internal sealed class SearchIndexRebuild(CatalogDbContext db, ProductIndex index, TimeProvider clock, ILogger<SearchIndexRebuild> logger)
{
    public async Task<ReindexResult> RunAsync(bool force, IProgress<ReindexProgress>? progress, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        // The time sorts the indexes by age for an operator; the suffix keeps two rebuilds in one millisecond apart.
        var name = $"{index.Alias}-{clock.GetUtcNow().ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}"[..(index.Alias.Length + 25)];
        // The catch-up rewrites what changed since a little before the build began: the hosts that stamp updated_at and
        // listing_updated_at keep their own clocks, which may run behind the database's and this host's.
        var since = await ProductRows.DatabaseNowAsync(db, cancellationToken) - index.Options.CatchUpClockMargin;
        var total = await ProductRows.CountListedAsync(db, cancellationToken);
        progress?.Report(new ReindexProgress("creating", 0, total));
        var created = await index.Client.Indices.CreateAsync(ProductIndex.Definition(name, index.Options), cancellationToken);
        ProductIndex.Ensure(created, $"create index {name}");

        int written, rejected;
        IReadOnlyList<string> previous;
        try
        {
            (written, rejected) = await FillAsync(name, total, progress, cancellationToken);
            if (rejected > 0 && !force)
            {
                throw new InvalidOperationException(
                    $"Elasticsearch rejected {rejected} product(s) (see the log), so the alias stays where it was; fix them, or rerun with --force to swap anyway.");
            }

            previous = (await index.AliasTargetsAsync(cancellationToken)).Where(i => i != name).ToList();
            progress?.Report(new ReindexProgress("swapping", written, total));
            var actions = new List<IndexUpdateAliasesAction>();
            actions.AddRange(previous.Select(old => (IndexUpdateAliasesAction)new RemoveAction { Index = old, Alias = index.Alias }));
            actions.Add(new AddAction { Index = name, Alias = index.Alias });
            ProductIndex.Ensure(await index.Client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions }, cancellationToken), $"point {index.Alias} at {name}");
        }
        catch
        {
            await DeleteUnswappedAsync(name);
            throw;
        }

        logger.LogInformation("Alias {Alias} now points at {Index} ({Written} products); it pointed at {Previous}", index.Alias, name, written, previous);

        progress?.Report(new ReindexProgress("catching up", written, total));
        var caughtUp = await CatchUpAsync(since, cancellationToken);
        rejected += caughtUp.Rejected;

        foreach (var old in previous)
        {
            ProductIndex.Ensure(await index.Client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Index(old)), cancellationToken), $"delete {old}");
        }

        progress?.Report(new ReindexProgress("done", written, total));
        return new ReindexResult(name, previous, written, rejected, clock.GetElapsedTime(started));
    }

    private async Task<(int Written, int Rejected)> FillAsync(string name, int total, IProgress<ReindexProgress>? progress, CancellationToken cancellationToken)
    {
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
        return (written, rejected);
    }

    /// <summary>Writes again, through the alias now on the new index, every product that changed since the rebuild began.</summary>
    private async Task<BulkTally> CatchUpAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var changed = await ProductRows.ChangedSinceAsync(db, since, cancellationToken);
        var total = new BulkTally();
        foreach (var chunk in changed.Chunk(Math.Max(1, index.Options.BulkBatchSize)))
        {
            var tally = await ProductIndexSync.WriteCurrentAsync(db, index, chunk, cancellationToken);
            total.Indexed += tally.Indexed;
            total.Deleted += tally.Deleted;
            total.Stale += tally.Stale;
            total.Rejected += tally.Rejected;
        }

        logger.LogInformation(
            "Caught up {Changed} product(s) changed during the rebuild: {Indexed} indexed, {Deleted} deleted, {Stale} already newer, {Rejected} rejected",
            changed.Count, total.Indexed, total.Deleted, total.Stale, total.Rejected);
        return total;
    }

    /// <summary>Deletes the new index of a rebuild that did not swap, so no half-built index is left behind; the failure itself is the caller's.</summary>
    private async Task DeleteUnswappedAsync(string name)
    {
        // Not the caller's token: a cancelled rebuild should still clean up.
        var deleted = await index.Client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Index(name)), CancellationToken.None);
        if (deleted.IsValidResponse)
        {
            logger.LogWarning("Reindex failed; deleted its unfinished index {Index}, the alias {Alias} is unchanged", name, index.Alias);
        }
        else
        {
            logger.LogError("Reindex failed and its unfinished index {Index} could not be deleted ({Reason}); delete it by hand", name, ProductIndex.Describe(deleted));
        }
    }
}
