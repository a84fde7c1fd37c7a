using System.Diagnostics;
using MassTransit;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Marketplace.Platform.Tests;

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

/// <summary>Adds one to a tally per message; the inbox must make a redelivery a no-op.</summary>
internal sealed class TallyConsumer(TallyDbContext db, TimeProvider clock) : IConsumer<TallyRequested>
{
    public Task Consume(ConsumeContext<TallyRequested> context) =>
        db.ApplyOnceAsync(context.MessageId, nameof(TallyConsumer), clock, ct =>
            db.Tallies.Where(t => t.Id == context.Message.TallyId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Applied, t => t.Applied + 1), ct),
            context.CancellationToken);
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
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = _database }.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitMq,
            ["Messaging:EntityPrefix"] = _database,
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
            ["Messaging:Outbox:PublishTimeout"] = "00:00:02",
            ["Messaging:Outbox:MaxBackoff"] = "00:00:01",
            ["Database:MigrateOnStartup"] = "false",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        builder.Services.AddModuleDatabase<TallyDbContext>(builder.Configuration, "Tally");
        builder.Services.Messaging().AddConsumers(bus => bus.AddConsumer<TallyConsumer>());
        builder.Services.AddMarketplaceBus(builder.Configuration);
        _host = builder.Build();
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TallyDbContext>().Database.EnsureCreatedAsync();
        }

        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await EnsureBrokerRunningAsync();
        await _host.StopAsync();
        _host.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_event_written_while_the_broker_is_down_is_delivered_after_it_returns_and_applied_once()
    {
        var tallyId = await NewTallyAsync();
        await RequestTallyAsync(tallyId);
        await WaitForAsync(async () => await AppliedAsync(tallyId) == 1, TimeSpan.FromSeconds(30));

        await RunAsync("service", "rabbitmq-server stop");
        try
        {
            var messageId = await RequestTallyAsync(tallyId);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(1, await AppliedAsync(tallyId));
            Assert.Null(await PublishedAtAsync(messageId));
        }
        finally
        {
            await EnsureBrokerRunningAsync();
        }

        await WaitForAsync(async () => await AppliedAsync(tallyId) == 2, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await AppliedAsync(tallyId));
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        Assert.Equal(0, await db.OutboxMessages.CountAsync(m => m.PublishedAt == null));
        Assert.Equal(2, await db.InboxMessages.CountAsync());
    }

    [Fact]
    public async Task A_message_delivered_several_times_at_once_is_applied_once()
    {
        var tallyId = await NewTallyAsync();
        var bus = _host.Services.GetRequiredService<IBus>();
        var messageId = Guid.NewGuid();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            bus.Publish(new TallyRequested(tallyId), context => context.MessageId = messageId)));

        await WaitForAsync(async () => await AppliedAsync(tallyId) == 1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await AppliedAsync(tallyId));
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
