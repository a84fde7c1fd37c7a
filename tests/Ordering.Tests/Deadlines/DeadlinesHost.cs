using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Tests.Checkout.Place;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>
/// The host with the repository's runtime rules, except "fulfilment": a seller has <see cref="AcceptWithin"/> to accept,
/// and the deadline sweeper looks every 200 ms, 25 timers at a time. Product pages are not cached, so a seller's on-time
/// rate shows at once.
/// </summary>
public class DeadlinesHost : OrderingHost
{
    public static readonly TimeSpan AcceptWithin = TimeSpan.FromSeconds(4);

    public DeadlinesHost()
        : this(TestProfile.Production)
    {
    }

    protected DeadlinesHost(TestProfile profile)
        : base(profile)
    {
        Rules.Write("fulfilment", $$"""
            {
              "acceptWithin": "{{AcceptWithin:c}}",
              "shipCutOff": { "time": "18:00", "timeZone": "Europe/Berlin" },
              "shipGrace": "00:00:00",
              "deliveryGrace": "1.00:00:00",
              "performanceWindow": "30.00:00:00",
              "sweepInterval": "00:00:00.200",
              "sweepBatchSize": 25
            }
            """);
        Rules.Use(this);
        Settings["Catalog:ProductDetailCacheTtl"] = "00:00:00";
    }

    /// <summary>
    /// A second process of the same deployment: this host's settings, on <paramref name="database"/>'s database. The
    /// tests arrange no carts through it, so it leaves Redis alone when it stops.
    /// </summary>
    public static DeadlinesHost ReplicaOn(DeadlinesHost database)
    {
        var replica = new DeadlinesHost { WritesNoRedisKeys = true };
        replica.Settings["ConnectionStrings:Postgres"] = database.PostgresConnectionString;
        return replica;
    }

    public RulesCopy Rules { get; } = new();

    public string RulesDirectory => Rules.Path;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Rules.Dispose();
    }

    /// <summary>
    /// Gives each order a deadline of <paramref name="kind"/> due at <paramref name="dueAt"/>, as placement would have,
    /// for tests of what its timer does when it passes.
    /// </summary>
    internal async Task SetDeadlinesAsync(IEnumerable<Guid> orderIds, DeadlineKind kind, DateTimeOffset dueAt)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var ids = orderIds.ToList();
        foreach (var order in await db.SellerOrders.Where(o => ids.Contains(o.Id)).ToListAsync())
        {
            switch (kind)
            {
                case DeadlineKind.AcceptBy:
                    order.Sla.AcceptBy = dueAt;
                    break;
                case DeadlineKind.ShipBy:
                    order.Sla.ShipBy = dueAt;
                    break;
                default:
                    order.Sla.DeliverBy = dueAt;
                    break;
            }

            db.OrderDeadlines.Add(new OrderDeadline { OrderId = order.Id, SellerId = order.SellerId, Kind = kind, DueAt = dueAt });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Moves an arranged order as its seller would, through the transition table, and saves.</summary>
    internal async Task MoveAsync(Guid orderId, OrderTransition transition, TransitionDetails? details = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var order = await db.SellerOrders.SingleAsync(o => o.Id == orderId);
        var from = order.Status;
        var outcome = order.Apply(transition, OrderActor.Seller(order.SellerId), details ?? TransitionDetails.None, clock.GetUtcNow());
        Assert.Equal(TransitionOutcomeKind.Moved, outcome.Kind);
        db.PublishMove(order, transition, from, clock);
        await db.SaveChangesAsync();
    }

    internal async Task<List<OrderDeadline>> DeadlinesOfAsync(params IEnumerable<Guid> orderIds)
    {
        var ids = orderIds.ToList();
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        return await db.OrderDeadlines.AsNoTracking().Where(d => ids.Contains(d.OrderId)).ToListAsync();
    }

    internal DeadlineSweeper Sweeper => Services.GetRequiredService<DeadlineSweeper>();
}

/// <summary>The same host on the embedded profile (SQLite: no row locks, one process).</summary>
public sealed class EmbeddedDeadlinesHost : DeadlinesHost
{
    public EmbeddedDeadlinesHost()
        : base(TestProfile.Embedded)
    {
    }
}
