using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using MassTransit;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Platform.Messaging;

public static class Inbox
{
    /// <summary>
    /// Applies a message at most once for the named consumer: the inbox row and the consumer's changes
    /// commit together, and the inbox's primary key (not a prior lookup) rejects a redelivery.
    /// </summary>
    /// <returns>False when this consumer had already applied the message.</returns>
    public static async Task<bool> ApplyOnceAsync(
        this ModuleDbContext db, Guid? messageId, string consumer, TimeProvider clock, Func<CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        var id = messageId ?? throw new InvalidOperationException("A consumed message without a MessageId cannot be de-duplicated.");
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.InboxMessages.Add(new InboxMessage { MessageId = id, Consumer = consumer, ProcessedAt = clock.GetUtcNow() });
            try
            {
                await SaveWithoutSavepointAsync(db, ct);
            }
            catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                Telemetry.PlatformMetrics.InboxDuplicate(consumer);
                return false;
            }

            await apply(ct);
            await SaveWithoutSavepointAsync(db, ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Applies each message of a batch at most once for the named consumer, in message order: the overload of
    /// <see cref="ApplyFreshOnceAsync"/> for a consumer that takes its messages one by one.
    /// </summary>
    /// <returns>How many messages were applied now (not before).</returns>
    public static Task<int> ApplyEachOnceAsync<TMessage>(
        this ModuleDbContext db, Batch<TMessage> batch, string consumer, TimeProvider clock,
        Func<ConsumeContext<TMessage>, CancellationToken, Task> apply, CancellationToken cancellationToken)
        where TMessage : class =>
        db.ApplyFreshOnceAsync(batch, consumer, clock, async (fresh, ct) =>
        {
            foreach (var message in fresh)
            {
                await apply(message, ct);
            }
        }, cancellationToken);

    /// <summary>
    /// Applies the messages of a batch that the named consumer has not applied before, at most once each. On PostgreSQL
    /// the whole batch is one transaction: one statement records every message id in the inbox and answers which were
    /// new (the primary key, not a lookup, rejects a redelivery), <paramref name="apply"/> gets those, in message order,
    /// and one commit keeps them all. Should that fail, each message is applied again on its own through
    /// <see cref="ApplyOnceAsync"/>, so one bad message costs the others nothing: what failed is thrown once the rest are
    /// in, and the batch is redelivered, where the inbox skips what was applied. SQLite, with its one writer, takes each
    /// message on its own.
    /// </summary>
    /// <returns>How many messages were applied now (not before).</returns>
    public static async Task<int> ApplyFreshOnceAsync<TMessage>(
        this ModuleDbContext db, Batch<TMessage> batch, string consumer, TimeProvider clock,
        Func<IReadOnlyList<ConsumeContext<TMessage>>, CancellationToken, Task> apply, CancellationToken cancellationToken)
        where TMessage : class
    {
        if (batch.Length == 1 || !db.IsPostgres)
        {
            return await ApplyEachAloneAsync(db, batch, consumer, clock, apply, cancellationToken);
        }

        var ids = batch.Select(m => m.MessageId ?? throw new InvalidOperationException("A consumed message without a MessageId cannot be de-duplicated.")).ToArray();
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            var applied = await strategy.ExecuteAsync(async ct =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var sql = FormattableStringFactory.Create(RecordBatchSql(db.Schema), consumer, clock.GetUtcNow(), ids);
                var recorded = (await db.Database.SqlQuery<Guid>(sql).ToListAsync(ct)).ToHashSet();

                // Remove, not Contains: a message id twice in one batch (a redelivery that caught up) applies once.
                var fresh = batch.Where(m => recorded.Remove(m.MessageId!.Value)).ToList();
                if (fresh.Count > 0)
                {
                    await apply(fresh, ct);
                }

                await SaveWithoutSavepointAsync(db, ct);
                await transaction.CommitAsync(ct);
                return fresh.Count;
            }, cancellationToken);
            Telemetry.PlatformMetrics.InboxDuplicate(consumer, batch.Length - applied);
            return applied;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            return await ApplyEachAloneAsync(db, batch, consumer, clock, apply, cancellationToken);
        }
    }

    /// <summary>Records a batch's message ids; returns those not recorded before. The schema is the module's own constant.</summary>
    private static string RecordBatchSql(string schema) => $$"""
        INSERT INTO "{{schema}}".inbox_messages (message_id, consumer, processed_at)
        SELECT DISTINCT id, {0}, {1} FROM unnest({2}) AS m(id)
        ON CONFLICT DO NOTHING
        RETURNING message_id AS "Value"
        """;

    private static async Task<int> ApplyEachAloneAsync<TMessage>(
        ModuleDbContext db, Batch<TMessage> batch, string consumer, TimeProvider clock,
        Func<IReadOnlyList<ConsumeContext<TMessage>>, CancellationToken, Task> apply, CancellationToken cancellationToken)
        where TMessage : class
    {
        var applied = 0;
        List<Exception>? failures = null;
        foreach (var message in batch)
        {
            try
            {
                if (await db.ApplyOnceAsync(message.MessageId, consumer, clock, ct => apply([message], ct), cancellationToken))
                {
                    applied++;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                db.ChangeTracker.Clear();
                (failures ??= []).Add(e);
            }
        }

        if (failures is [var only])
        {
            ExceptionDispatchInfo.Capture(only).Throw();
        }

        if (failures is not null)
        {
            throw new AggregateException($"{failures.Count} of {batch.Length} messages for {consumer} failed.", failures);
        }

        return applied;
    }

    /// <summary>
    /// Saves inside the inbox's transaction without EF's savepoint around it: a failure of either save abandons the
    /// whole transaction, so the savepoint would only cost two round trips per save. A consumer's own saves keep it.
    /// </summary>
    private static async Task SaveWithoutSavepointAsync(ModuleDbContext db, CancellationToken cancellationToken)
    {
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }
}
