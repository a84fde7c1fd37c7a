using System.Diagnostics;
using MassTransit;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace Marketplace.Platform.Messaging;

/// <summary>Relay timings; bound from <c>Messaging:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Messaging:Outbox";

    /// <summary>How often the relay looks for events written by other replicas when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 200;

    /// <summary>How long one publish may wait for the broker before the batch is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed batch; it doubles with every failure in a row up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(400);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often published outbox rows and processed inbox rows older than <see cref="Retention"/> are deleted.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the relay reports its module's backlog to the metrics (a count of the unpublished rows).</summary>
    public TimeSpan BacklogSampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Published rows are kept this long for diagnosis, then purged.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The wait after <paramref name="failures"/> failed batches in a row.</summary>
    internal TimeSpan BackoffAfter(int failures)
    {
        var doubled = MinBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return doubled >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)doubled);
    }
}

/// <summary>Wakes a module's relay as soon as a save that carried outbox rows has committed.</summary>
internal sealed class OutboxSignal<TContext> : SaveChangesInterceptor, IDisposable
    where TContext : ModuleDbContext
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Mark(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Mark(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Wake(eventData.Context);
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Wake(eventData.Context);
        return base.SavedChanges(eventData, result);
    }

    private static void Mark(DbContext? context)
    {
        if (context is ModuleDbContext module)
        {
            module.HasPendingOutbox |= module.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        }
    }

    private void Wake(DbContext? context)
    {
        // Inside an explicit transaction the rows are not visible until commit; the poll picks them up then.
        if (context is ModuleDbContext { HasPendingOutbox: true } module)
        {
            module.HasPendingOutbox = false;
            Pulse();
        }
    }

    public void Pulse()
    {
        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already pulsed; one wake-up is enough.
            }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _pending.Dispose();
}

/// <summary>
/// Publishes a module's outbox through MassTransit in write order. A row is marked published only after the
/// broker accepted it, so a broker outage delays events but never loses them; several replicas share the work
/// through <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
internal sealed class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal<TContext> signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService
    where TContext : ModuleDbContext
{
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;
    private DateTimeOffset _lastSample = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;

        // The relay's own queries (claims, marks, samples, purges) run at every poll of every module: traced, each poll
        // would be a trace of its own, and they would outnumber the shoppers' traces. Only the publishes are traced,
        // under the traces of their writers (PublishAsync).
        using var untraced = SuppressInstrumentationScope.Begin();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                await SampleBacklogAsync(settings, stoppingToken);
                var published = await RelayBatchAsync(settings, stoppingToken);
                failures = 0;
                if (published == settings.BatchSize)
                {
                    continue;
                }

                await PurgeAsync(settings, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                wait = settings.BackoffAfter(failures);
                logger.LogWarning(e, "Outbox relay for {Context} failed {Failures} time(s) in a row; retrying in {Wait}", typeof(TContext).Name, failures, wait);
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task<int> RelayBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await Claim(db, settings.BatchSize).AsNoTracking().ToListAsync(cancellationToken);

        // The batch's publishes are handed to the bus in write order and their confirms awaited together: one round trip
        // to the broker per event, awaited in turn, held the relay below the rate a checkout storm writes stock changes.
        // Consumers never rely on arrival order (they are idempotent, and versioned where order matters).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);
        var sends = new List<(OutboxMessage Row, Task Publish)>(batch.Count);
        foreach (var row in batch)
        {
            sends.Add((row, PublishAsync(row, db.Schema, timeout.Token)));
        }

        try
        {
            await Task.WhenAll(sends.Select(s => s.Publish));
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Each send's own outcome is read below: the ones that went are marked, the others wait for the next batch.
        }

        var published = new List<long>(batch.Count);
        Exception? failure = null;
        foreach (var (row, publish) in sends)
        {
            if (publish.IsCompletedSuccessfully)
            {
                published.Add(row.Sequence);
            }
            else
            {
                var error = publish.Exception?.GetBaseException() ?? new TimeoutException($"The broker did not confirm within {settings.PublishTimeout}.");
                row.MarkFailed(error.Message);
                db.OutboxMessages.Attach(row).State = EntityState.Modified;
                failure ??= error;
            }
        }

        // One statement marks the whole batch published (a row's own update each cost a statement per event).
        if (published.Count > 0)
        {
            var now = clock.GetUtcNow();
            await db.OutboxMessages
                .Where(m => published.Contains(m.Sequence))
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.PublishedAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        Telemetry.PlatformMetrics.Published(db.Schema, published.Count);
        if (failure is not null)
        {
            throw new InvalidOperationException($"Publishing an outbox event of {typeof(TContext).Name} failed.", failure);
        }

        return published.Count;
    }

    /// <summary>
    /// Publishes one row under a span whose parent is the activity that wrote it, so that MassTransit's send span and the
    /// W3C context it puts in the message's headers carry the writer's trace on to the consumers. A row written outside
    /// any trace starts one of its own. A row that cannot be read back is reported like a publish that failed (a faulted
    /// task), and holds up nothing else.
    /// </summary>
    private async Task PublishAsync(OutboxMessage row, string module, CancellationToken cancellationToken)
    {
        var (message, type) = row.Deserialize();

        // The relay's loop runs untraced (ExecuteAsync); the publish is the part of it that belongs to the writer's trace.
        using var traced = SuppressInstrumentationScope.Begin(false);
        if (!row.TryGetWriterContext(out var writer))
        {
            Activity.Current = null;
        }

        using var activity = PlatformTracing.Source.StartActivity($"outbox publish {type.Name}", ActivityKind.Producer, writer);
        activity?.SetTag("messaging.message.id", row.Id.ToString());
        activity?.SetTag("marketplace.outbox.module", module);
        await bus.Publish(message, type, context => context.MessageId = row.Id, cancellationToken);
    }

    // The schema is the module's own constant name and the batch size an integer: nothing here comes from a request.
#pragma warning disable EF1002
    private static IQueryable<OutboxMessage> Claim(TContext db, int batchSize) => db.IsPostgres
        ? db.OutboxMessages.FromSqlRaw(
            $"SELECT * FROM \"{db.Schema}\".outbox_messages WHERE published_at IS NULL ORDER BY sequence LIMIT {batchSize} FOR UPDATE SKIP LOCKED")
        : db.OutboxMessages.Where(m => m.PublishedAt == null).OrderBy(m => m.Sequence).Take(batchSize);
#pragma warning restore EF1002

    /// <summary>
    /// Reports the module's unpublished rows and the age of the oldest (<see cref="Telemetry.PlatformMetrics"/>), at most
    /// every <see cref="OutboxOptions.BacklogSampleInterval"/>: one count over the partial index of unpublished rows.
    /// It runs on every round, full batches included, since a backlog is exactly when the relay keeps finding them.
    /// </summary>
    private async Task SampleBacklogAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _lastSample < settings.BacklogSampleInterval)
        {
            return;
        }

        _lastSample = now;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var backlog = await db.OutboxMessages.Where(m => m.PublishedAt == null)
            .GroupBy(_ => 1)
            .Select(g => new { Pending = g.LongCount(), Oldest = g.Min(m => m.OccurredAt) })
            // One group or none: Single says so, where First made EF warn of a row limit without an order.
            .SingleOrDefaultAsync(cancellationToken);
        Telemetry.PlatformMetrics.OutboxBacklog(db.Schema, backlog?.Pending ?? 0, backlog is null ? TimeSpan.Zero : now - backlog.Oldest);
    }

    private async Task PurgeAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _lastPurge < settings.PurgeInterval)
        {
            return;
        }

        _lastPurge = now;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var cutoff = now - settings.Retention;
        await db.OutboxMessages.Where(m => m.PublishedAt != null && m.PublishedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        await db.InboxMessages.Where(m => m.ProcessedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
