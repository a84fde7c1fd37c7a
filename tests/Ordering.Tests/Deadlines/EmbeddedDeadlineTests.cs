using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Orders;
using Marketplace.TestSupport;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>The embedded profile's timers: SQLite has no SKIP LOCKED, and one process sweeps them.</summary>
public sealed class EmbeddedDeadlineTests(EmbeddedDeadlinesHost host) : IClassFixture<EmbeddedDeadlinesHost>
{
    [Fact]
    public async Task Due_timers_fire_once_each_on_sqlite_over_several_batches_and_a_missed_accept_cancels()
    {
        var group = await host.ArrangeGroupAsync(null, [.. Enumerable.Range(0, 30).Select(_ => Guid.NewGuid())]);
        var unaccepted = group.OrderIds[0];
        var shipping = group.OrderIds.Skip(1).ToList();
        foreach (var id in shipping)
        {
            await host.MoveAsync(id, OrderTransition.Accept);
        }

        await host.SetDeadlinesAsync([unaccepted], DeadlineKind.AcceptBy, DateTimeOffset.UtcNow.AddSeconds(-1));
        await host.SetDeadlinesAsync(shipping, DeadlineKind.ShipBy, DateTimeOffset.UtcNow.AddSeconds(-1));

        var fired = await Eventually.ReadAsync(() => host.DeadlinesOfAsync(group.OrderIds), all => all.TrueForAll(d => !d.IsOpen));

        Assert.Equal(DeadlineOutcome.Cancelled, fired.Single(d => d.OrderId == unaccepted).Outcome);
        Assert.Equal(["OrderPlaced", "OrderCancelled"], await host.EventsAsync(unaccepted));
        Assert.All(fired.Where(d => d.OrderId != unaccepted), d => Assert.Equal(DeadlineOutcome.Flagged, d.Outcome));
        foreach (var id in shipping)
        {
            Assert.Equal(["OrderPlaced", "OrderAccepted", "OrderShipDeadlineMissed"], await host.EventsAsync(id));
        }
    }
}
