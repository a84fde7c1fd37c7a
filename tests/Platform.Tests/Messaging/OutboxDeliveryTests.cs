using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>An event the test module publishes through its outbox.</summary>
public sealed record TallyRequested(Guid TallyId);

internal sealed class Tally
{
    public Guid Id { get; set; }

    public int Applied { get; set; }
}

internal sealed class TallyDbContext(DbContextOptions<TallyDbContext> options) : ModuleDbContext(options, "tally")
{
    public DbSet<Tally> Tallies => Set<Tally>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Tally>().ToTable("tallies");
    }
}

/// <summary>
/// What the consumer was handed: how many deliveries of each message finished, and the most that ran at once for a
/// tally. Deliveries of a held tally wait inside the consumer (a bounded time) until enough of them have arrived, so
/// that a test of concurrent redelivery sees them meet at the inbox instead of hoping they happen to overlap.
/// </summary>
internal sealed class TallyDeliveries
{
    private readonly ConcurrentDictionary<Guid, int> _finished = new();
    private readonly ConcurrentDictionary<Guid, Overlap> _held = new();

    public int Finished(Guid messageId) => _finished.GetValueOrDefault(messageId);

    public int MostAtOnce(Guid tallyId) => _held.TryGetValue(tallyId, out var overlap) ? overlap.Most : 0;

    /// <summary>Holds deliveries of the tally until <paramref name="together"/> of them are inside the consumer at once.</summary>
    public void Hold(Guid tallyId, int together) => _held[tallyId] = new Overlap(together);

    public async Task<IDisposable> EnterAsync(Guid messageId, Guid tallyId)
    {
        var overlap = _held.GetValueOrDefault(tallyId);
        if (overlap is not null)
        {
            await overlap.EnterAsync();
        }

        return new Delivery(this, messageId, overlap);
    }

    private sealed class Delivery(TallyDeliveries deliveries, Guid messageId, Overlap? overlap) : IDisposable
    {
        public void Dispose()
        {
            overlap?.Exit();
            deliveries._finished.AddOrUpdate(messageId, 1, (_, n) => n + 1);
        }
    }

    private sealed class Overlap(int together)
    {
        private readonly TaskCompletionSource _met = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;
        private int _most;

        public int Most => Volatile.Read(ref _most);

        public async Task EnterAsync()
        {
            var inside = Interlocked.Increment(ref _inside);
            int most;
            while ((most = Volatile.Read(ref _most)) < inside && Interlocked.CompareExchange(ref _most, inside, most) != most)
            {
            }

            if (inside >= together)
            {
                _met.TrySetResult();
            }

            // Bounded: if the transport never hands two over at once, the test fails on MostAtOnce, not on a hang.
            await Task.WhenAny(_met.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        }

        public void Exit() => Interlocked.Decrement(ref _inside);
    }
}

/// <summary>Adds one to a tally per message; the inbox must make a redelivery a no-op.</summary>
internal sealed class TallyConsumer(TallyDbContext db, TimeProvider clock, TallyDeliveries deliveries) : IConsumer<TallyRequested>
{
    public async Task Consume(ConsumeContext<TallyRequested> context)
    {
        using var delivery = await deliveries.EnterAsync(context.MessageId!.Value, context.Message.TallyId);
        await db.ApplyOnceAsync(context.MessageId, nameof(TallyConsumer), clock, ct =>
            db.Tallies.Where(t => t.Id == context.Message.TallyId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Applied, t => t.Applied + 1), ct),
            context.CancellationToken);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageCollection
{
    public const string Name = "broker outage";
}

/// <summary>
/// The outbox and inbox on the real servers: PostgreSQL and RabbitMQ, which one test stops and starts again.
/// </summary>
[Collection(BrokerOutageCollection.Name)]
public sealed class OutboxDeliveryTests : IAsyncLifetime
{
    private readonly string _database = $"mkt_outbox_{Guid.NewGuid():N}"[..26];
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await TallyHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitMq,
            ["Messaging:EntityPrefix"] = _database,
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Messaging:Outbox:PublishTimeout"] = "00:00:02",
            ["Messaging:Outbox:MaxBackoff"] = "00:00:01",
        }, services =>
        {
            services.AddSingleton<TallyDeliveries>();
            services.Messaging().AddConsumers(bus => bus.AddConsumer<TallyConsumer>());
        });
    }

    public async Task DisposeAsync()
    {
        await EnsureBrokerRunningAsync();
        await _host.StopAsync();
        _host.Dispose();
        await TestDatabases.DropAsync(_database);
    }

    [Fact]
    public async Task An_event_written_while_the_broker_is_down_is_delivered_after_it_returns_and_applied_once()
    {
        var tallyId = await NewTallyAsync();
        await RequestTallyAsync(tallyId);
        await WaitForAsync(async () => await AppliedAsync(tallyId) == 1, TimeSpan.FromSeconds(30));

        Guid messageId;
        await RunAsync("service", "rabbitmq-server stop");
        try
        {
            messageId = await RequestTallyAsync(tallyId);

            // The relay has tried and failed: the event waits in the outbox, and nothing was applied.
            await WaitForAsync(async () => await FailedAttemptsAsync(messageId) >= 1, TimeSpan.FromSeconds(30));
            Assert.Equal(1, await AppliedAsync(tallyId));
            Assert.Null(await PublishedAtAsync(messageId));
        }
        finally
        {
            await EnsureBrokerRunningAsync();
        }

        await WaitForAsync(async () => await AppliedAsync(tallyId) == 2, TimeSpan.FromSeconds(90));

        // Settled: every event is published and the queue holds no delivery, waiting or unacknowledged; a copy the
        // relay sent twice (a publish that timed out but reached the broker) would have been consumed by now.
        await WaitForAsync(async () => await UnpublishedAsync() == 0 && await RabbitQueues.DrainedAsync(_database, "tally"), TimeSpan.FromSeconds(60));
        Assert.Equal(2, await AppliedAsync(tallyId));
        Assert.True(Deliveries.Finished(messageId) >= 1);
    }

    [Fact]
    public async Task An_event_whose_publish_acknowledgement_was_lost_is_sent_again_and_still_applied_once()
    {
        var tallyId = await NewTallyAsync();
        var messageId = await RequestTallyAsync(tallyId);
        await WaitForAsync(async () => await AppliedAsync(tallyId) == 1 && Deliveries.Finished(messageId) == 1, TimeSpan.FromSeconds(30));

        // The broker took the event but the relay never recorded it (it stopped before saving): the row is unpublished again.
        await ForgetPublishedAsync(messageId);
        await WaitForAsync(async () => await PublishedAtAsync(messageId) is not null && Deliveries.Finished(messageId) == 2, TimeSpan.FromSeconds(30));

        Assert.Equal(1, await AppliedAsync(tallyId));
    }

    [Fact]
    public async Task A_message_delivered_several_times_at_once_is_applied_once()
    {
        var tallyId = await NewTallyAsync();
        var bus = _host.Services.GetRequiredService<IBus>();
        var messageId = Guid.NewGuid();
        Deliveries.Hold(tallyId, together: 2);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            bus.Publish(new TallyRequested(tallyId), context => context.MessageId = messageId)));

        await WaitForAsync(() => Task.FromResult(Deliveries.Finished(messageId) == 5), TimeSpan.FromSeconds(60));
        Assert.True(Deliveries.MostAtOnce(tallyId) >= 2, $"The deliveries never overlapped (at most {Deliveries.MostAtOnce(tallyId)} at once).");
        Assert.Equal(1, await AppliedAsync(tallyId));
    }

    private TallyDeliveries Deliveries => _host.Services.GetRequiredService<TallyDeliveries>();

    private async Task<int> FailedAttemptsAsync(Guid messageId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return await db.OutboxMessages.Where(m => m.Id == messageId && m.PublishedAt == null && m.LastError != null).Select(m => m.Attempts).SingleOrDefaultAsync();
    }

    private async Task<int> UnpublishedAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TallyDbContext>().OutboxMessages.CountAsync(m => m.PublishedAt == null);
    }

    private async Task ForgetPublishedAsync(Guid messageId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        await db.Database.ExecuteSqlAsync($"UPDATE tally.outbox_messages SET published_at = NULL WHERE id = {messageId}");
    }

    private async Task<Guid> NewTallyAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var tally = new Tally { Id = Guid.NewGuid() };
        db.Tallies.Add(tally);
        await db.SaveChangesAsync();
        return tally.Id;
    }

    private async Task<Guid> RequestTallyAsync(Guid tallyId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        db.Publish(new TallyRequested(tallyId), TimeProvider.System);
        await db.SaveChangesAsync();
        return db.ChangeTracker.Entries<OutboxMessage>().Single().Entity.Id;
    }

    private async Task<int> AppliedAsync(Guid tallyId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return await db.Tallies.Where(t => t.Id == tallyId).Select(t => t.Applied).SingleAsync();
    }

    private async Task<DateTimeOffset?> PublishedAtAsync(Guid messageId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return await db.OutboxMessages.Where(m => m.Id == messageId).Select(m => m.PublishedAt).SingleAsync();
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"Condition not met within {timeout}.");
            await Task.Delay(100);
        }
    }

    internal static async Task EnsureBrokerRunningAsync()
    {
        if (await RunAsync("/usr/sbin/rabbitmq-diagnostics", "-q ping", throwOnFailure: false) != 0)
        {
            await RunAsync("service", "rabbitmq-server start");
        }

        await RunAsync("/usr/sbin/rabbitmqctl", "-q await_startup --timeout 120");
    }

    internal static async Task<int> RunAsync(string command, string arguments, bool throwOnFailure = true)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (throwOnFailure && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {arguments} exited {process.ExitCode}: {await output}{await error}");
        }

        return process.ExitCode;
    }
}
