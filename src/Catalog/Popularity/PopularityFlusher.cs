using System.Security.Cryptography;
using System.Text;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Search.Elasticsearch;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Marketplace.Catalog.Popularity;

/// <summary>
/// Writes buffered popularity to <c>products.popularity</c> every <see cref="CatalogOptions.PopularityFlushInterval"/>.
/// With Redis, every replica adds its buffer to one Redis hash (HINCRBYFLOAT) and whichever replica takes the
/// flush lock drains the hash into the database, so N replicas still make one write per interval.
/// </summary>
internal sealed class PopularityFlusher(
    PopularityBuffer buffer, IServiceScopeFactory scopes, IOptions<CatalogOptions> options, IOptions<ElasticsearchOptions> search,
    ILogger<PopularityFlusher> logger, [FromKeyedServices(CatalogModule.Name)] DatabaseProfile database, IConnectionMultiplexer? redis = null)
    : PeriodicWork
{
    /// <summary>Products per <see cref="ProductPopularityChanged"/>, so a busy interval's event stays a small message.</summary>
    public const int ProductsPerEvent = 1_000;

    private readonly string _instance = Guid.NewGuid().ToString("N");

    // Replicas of one deployment share a database, so its connection string names their shared keys; a different
    // database (another environment, a test run) gets keys of its own on the same Redis.
    private readonly string _keyPrefix = KeyPrefix(database);

    /// <summary>The prefix of the Redis keys popularity keeps for the deployment that uses <paramref name="database"/>.</summary>
    public static string KeyPrefix(DatabaseProfile database) =>
        $"catalog:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database.ConnectionString)), 0, 8)}:popularity:";

    // Plain weights, summed across replicas. (Before scores were kept as logarithms, "pending" and "draining" held
    // weights already scaled by the decay; new names keep a replica of that version from mixing the two.)
    private string PendingKey => _keyPrefix + "weights";

    private string DrainingKey => _keyPrefix + "weights:draining";

    private string LockKey => _keyPrefix + "lock";

    /// <summary>
    /// The hashes of the version before the logarithmic scores. Nothing reads them now; a replica of that version still
    /// running during an upgrade may still add to them, so they are given a lifetime rather than deleted once.
    /// </summary>
    public static IReadOnlyList<string> LegacyKeys(DatabaseProfile database)
    {
        var prefix = KeyPrefix(database);
        return [prefix + "pending", prefix + "draining"];
    }

    /// <summary>How long the legacy hashes stay after a replica of this version first flushes.</summary>
    public static readonly TimeSpan LegacyKeyLifetime = TimeSpan.FromDays(1);

    private bool _legacyKeysExpiring;

    // A failed flush loses its signals (popularity is a ranking hint, not a ledger), and the next tick carries on.
    protected override TimeProvider Clock => TimeProvider.System;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.PopularityFlushInterval;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var scores = buffer.Drain();
        if (redis is null)
        {
            await ApplyAsync(scores, cancellationToken);
            return;
        }

        var redisDb = redis.GetDatabase();
        if (!_legacyKeysExpiring)
        {
            foreach (var key in LegacyKeys(database))
            {
                await redisDb.KeyExpireAsync(key, LegacyKeyLifetime, ExpireWhen.HasNoExpiry);
            }

            _legacyKeysExpiring = true;
        }

        if (scores.Count > 0)
        {
            var batch = redisDb.CreateBatch();
            var writes = scores.Select(s => batch.HashIncrementAsync(PendingKey, s.Key.ToString("N"), s.Value)).ToList();
            batch.Execute();
            await Task.WhenAll(writes);
        }

        // The lock outlives a slow database write by far, so two replicas never drain the same hash at once.
        if (!await redisDb.LockTakeAsync(LockKey, _instance, options.Value.PopularityFlushInterval + TimeSpan.FromMinutes(1)))
        {
            return;
        }

        try
        {
            // A draining hash left by a failed flush is written first; otherwise the pending hash is moved aside atomically.
            if (!await redisDb.KeyExistsAsync(DrainingKey))
            {
                // Only the lock holder moves or deletes these keys, so pending cannot vanish between the two calls.
                if (!await redisDb.KeyExistsAsync(PendingKey))
                {
                    return;
                }

                await redisDb.KeyRenameAsync(PendingKey, DrainingKey, When.NotExists);
            }

            var entries = await redisDb.HashGetAllAsync(DrainingKey);
            var drained = entries
                .Where(e => Guid.TryParseExact(e.Name.ToString(), "N", out _) && e.Value.TryParse(out double _))
                .ToDictionary(e => Guid.ParseExact(e.Name.ToString(), "N"), e => (double)e.Value);
            await ApplyAsync(drained, cancellationToken);
            await redisDb.KeyDeleteAsync(DrainingKey);
        }
        finally
        {
            await redisDb.LockReleaseAsync(LockKey, _instance);
        }
    }

    /// <summary>Adds each product's gathered weight to its score, as signals made now (see <see cref="PopularityScore"/>).</summary>
    private async Task ApplyAsync(Dictionary<Guid, double> weights, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        var halfLife = options.Value.PopularityHalfLife;
        var signals = weights.Where(w => w.Value > 0).ToDictionary(w => w.Key, w => PopularityScore.Signal(w.Value, now, halfLife));
        if (signals.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        if (db.IsPostgres)
        {
            // One statement, and the addition happens in the row update itself, so a concurrent flush cannot lose one.
            // The search index hears of the change in the same transaction, through the outbox.
            await using var written = await db.Database.BeginTransactionAsync(cancellationToken);
            var ids = new NpgsqlParameter("ids", signals.Keys.ToArray());
            var values = new NpgsqlParameter("signals", signals.Values.ToArray());
            await db.Database.ExecuteSqlRawAsync(
                $"UPDATE {CatalogDbContext.Schema}.products AS p SET popularity = {PopularityScore.AddSignalSql} " +
                "FROM unnest(@ids, @signals) AS v(id, signal) WHERE p.id = v.id",
                [ids, values],
                cancellationToken);
            if (search.Value.Enabled)
            {
                foreach (var chunk in signals.Keys.Chunk(ProductsPerEvent))
                {
                    db.Publish(new ProductPopularityChanged(chunk, now), Clock);
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            await written.CommitAsync(cancellationToken);
            return;
        }

        // The embedded profile is one process, so reading the scores and writing them back in one transaction is safe.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var productIds = signals.Keys.ToList();
        var scores = await db.Products.Where(p => productIds.Contains(p.Id)).Select(p => new { p.Id, p.Popularity }).ToListAsync(cancellationToken);
        foreach (var row in scores)
        {
            var score = PopularityScore.Add(row.Popularity, signals[row.Id]);
            await db.Products.Where(p => p.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.Popularity, score), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
