using System.Collections.Concurrent;
using MassTransit;
using Marketplace.Platform.Messaging;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>A tally request the batch consumer takes; a poisoned one always fails.</summary>
public sealed record BatchedTallyRequested(Guid TallyId, bool Poisoned = false);

/// <summary>What the batch consumer was handed: the size of every batch, and every message that went through it.</summary>
internal sealed class BatchLog
{
    public ConcurrentQueue<int> Sizes { get; } = new();

    public ConcurrentDictionary<Guid, int> Handled { get; } = new();
}

/// <summary>Adds one to a tally per message through <see cref="Inbox.ApplyEachOnceAsync"/>, in batches.</summary>
internal sealed class BatchedTallyConsumer(TallyDbContext db, TimeProvider clock, BatchLog log) : IConsumer<Batch<BatchedTallyRequested>>
{
    public async Task Consume(ConsumeContext<Batch<BatchedTallyRequested>> context)
    {
        log.Sizes.Enqueue(context.Message.Length);
        await db.ApplyEachOnceAsync(context.Message, nameof(BatchedTallyConsumer), clock, async (message, ct) =>
        {
            log.Handled.AddOrUpdate(message.MessageId!.Value, 1, (_, n) => n + 1);
            if (message.Message.Poisoned)
            {
                throw new InvalidOperationException("A message no retry can apply.");
            }

            var tally = await db.Tallies.SingleAsync(t => t.Id == message.Message.TallyId, ct);
            tally.Applied++;
        }, context.CancellationToken);
    }
}

/// <summary>
/// The batched inbox on PostgreSQL: a batch is applied in one transaction, each message once however often it comes,
/// and a message that fails costs the rest of its batch nothing.
/// </summary>
public sealed class BatchInboxTests : IAsyncLifetime
{
    private readonly string _database = $"mkt_batch_{Guid.NewGuid():N}"[..26];
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await TallyHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Messaging:Batch:MessageLimit"] = "10",
            ["Messaging:Batch:TimeLimit"] = "00:00:00.500",
        }, services =>
        {
            services.AddSingleton<BatchLog>();
            services.Messaging().AddConsumers(bus => bus.AddConsumer<BatchedTallyConsumer>(typeof(BatchedConsumerDefinition<BatchedTallyConsumer>)));
        });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await TestDatabases.DropAsync(_database);
    }

    [Fact]
    public async Task A_batch_applies_each_message_once_however_often_it_comes()
    {
        var tallies = await NewTalliesAsync(6);
        var ids = tallies.Select(_ => Guid.NewGuid()).ToList();
        var bus = _host.Services.GetRequiredService<IBus>();

        await Task.WhenAll(tallies.Select((tally, i) => bus.Publish(new BatchedTallyRequested(tally), c => c.MessageId = ids[i])));
        await OutboxDeliveryTests.WaitForAsync(async () => await AppliedAsync(tallies) == tallies.Count && Log.Sizes.Sum() == 6, TimeSpan.FromSeconds(60));
        Assert.Contains(Log.Sizes, size => size > 1);

        // Every message again, as a broker redelivers: handed to the consumer, and skipped by the inbox.
        await Task.WhenAll(tallies.Select((tally, i) => bus.Publish(new BatchedTallyRequested(tally), c => c.MessageId = ids[i])));
        await OutboxDeliveryTests.WaitForAsync(() => Task.FromResult(Log.Sizes.Sum() == 12), TimeSpan.FromSeconds(60));

        Assert.All(tallies, tally => Assert.Equal(1, AppliedAsync([tally]).GetAwaiter().GetResult()));
        Assert.Equal(6, await InboxCountAsync(ids));
    }

    [Fact]
    public async Task A_message_that_fails_costs_the_rest_of_its_batch_nothing()
    {
        var tallies = await NewTalliesAsync(5);
        var poisoned = Guid.NewGuid();
        var bus = _host.Services.GetRequiredService<IBus>();

        await Task.WhenAll(tallies.Take(2).Select(t => bus.Publish(new BatchedTallyRequested(t)))
            .Append(bus.Publish(new BatchedTallyRequested(Guid.NewGuid(), Poisoned: true), c => c.MessageId = poisoned))
            .Concat(tallies.Skip(2).Select(t => bus.Publish(new BatchedTallyRequested(t)))));

        await OutboxDeliveryTests.WaitForAsync(async () => await AppliedAsync(tallies) == tallies.Count, TimeSpan.FromSeconds(60));
        Assert.All(tallies, tally => Assert.Equal(1, AppliedAsync([tally]).GetAwaiter().GetResult()));
        Assert.True(Log.Handled[poisoned] >= 1);
        Assert.Equal(0, await InboxCountAsync([poisoned]));
    }

    private BatchLog Log => _host.Services.GetRequiredService<BatchLog>();

    private async Task<List<Guid>> NewTalliesAsync(int count)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var tallies = Enumerable.Range(0, count).Select(_ => new Tally { Id = Guid.NewGuid() }).ToList();
        db.Tallies.AddRange(tallies);
        await db.SaveChangesAsync();
        return tallies.Select(t => t.Id).ToList();
    }

    private async Task<int> AppliedAsync(IReadOnlyList<Guid> tallies)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return await db.Tallies.Where(t => tallies.Contains(t.Id)).SumAsync(t => t.Applied);
    }

    private async Task<int> InboxCountAsync(IReadOnlyList<Guid> messageIds)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        return await db.InboxMessages.CountAsync(m => messageIds.Contains(m.MessageId) && m.Consumer == nameof(BatchedTallyConsumer));
    }
}
