using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>Timers live in the database: a host that stops before they are due leaves them to the next one.</summary>
public sealed class DeadlineRestartTests(DeadlinesHost host) : IClassFixture<DeadlinesHost>
{
    [Fact]
    public async Task Timers_set_by_a_host_that_stopped_before_they_were_due_fire_on_the_host_started_after_it()
    {
        // The fixture owns the database and is not started yet; the first process runs on it, then stops.
        var first = DeadlinesHost.ReplicaOn(host);
        ArrangedGroup group;
        DateTimeOffset due;
        try
        {
            group = await first.ArrangeGroupAsync(null, [.. Enumerable.Range(0, 10).Select(_ => Guid.NewGuid())]);
            due = DateTimeOffset.UtcNow.AddSeconds(8);
            await first.SetDeadlinesAsync(group.OrderIds, DeadlineKind.ShipBy, due);
        }
        finally
        {
            await first.DisposeAsync();
        }

        var stopped = DateTimeOffset.UtcNow;

        var fired = await Eventually.ReadAsync(() => host.DeadlinesOfAsync(group.OrderIds), all => all.TrueForAll(d => !d.IsOpen));

        // Each fired after the first host had stopped: by the host started after it, from what the database kept.
        Assert.All(fired, d => Assert.Equal(DeadlineOutcome.Flagged, d.Outcome));
        Assert.All(fired, d => Assert.True(d.SettledAt > stopped && d.SettledAt >= due, $"fired at {d.SettledAt:O}; the first host stopped at {stopped:O}"));
        foreach (var id in group.OrderIds)
        {
            Assert.Equal(["OrderPlaced", "OrderShipDeadlineMissed"], await host.EventsAsync(id));
        }
    }
}

/// <summary>Two processes on one database sweep the same timers at once.</summary>
public sealed class DeadlineReplicaTests(DeadlinesHost host) : IClassFixture<DeadlinesHost>
{
    private const int Timers = 300;

    [Fact]
    public async Task Two_replicas_sweeping_one_database_fire_every_timer_exactly_once()
    {
        var replica = DeadlinesHost.ReplicaOn(host);
        try
        {
            // Both are started, with their sweepers running, before any timer is due.
            _ = replica.Services;
            var group = await host.ArrangeGroupAsync(null, [.. Enumerable.Range(0, Timers).Select(_ => Guid.NewGuid())]);
            var due = DateTimeOffset.UtcNow.AddSeconds(2);
            await host.SetDeadlinesAsync(group.OrderIds, DeadlineKind.ShipBy, due);

            // Batches of 25 from two sweepers each looking every 200 ms: both take part.
            var fired = await Eventually.ReadAsync(() => host.DeadlinesOfAsync(group.OrderIds), all => all.TrueForAll(d => !d.IsOpen));

            Assert.Equal(Timers, fired.Count);
            Assert.All(fired, d => Assert.Equal(DeadlineOutcome.Flagged, d.Outcome));
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            var told = await db.OutboxMessages.AsNoTracking().Where(m => m.Type.Contains("OrderShipDeadlineMissed")).Select(m => m.Payload).ToListAsync();
            var perOrder = group.OrderIds.ToDictionary(id => id, id => told.Count(p => p.Contains(id.ToString(), StringComparison.Ordinal)));
            Assert.All(perOrder, pair => Assert.Equal(1, pair.Value));
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }
}
