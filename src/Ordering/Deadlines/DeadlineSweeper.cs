using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Deadlines;

/// <summary>
/// Fires due deadlines, on every replica at once: each sweep claims a batch of open, due timers with their orders
/// (<c>FOR UPDATE SKIP LOCKED</c>, so replicas never take the same one and never wait for each other), acts on each order,
/// and marks each timer fired, all in one transaction: a crash before the commit leaves them due for the next sweep,
/// and none fires twice. A missed accept-by cancels the order (<see cref="OrderTransition.AcceptDeadlineMissed"/>, whose
/// <see cref="OrderCancelled"/> returns the stock and voids the payment as a seller's reject does); a missed ship-by flags it
/// and tells the seller (<see cref="OrderShipDeadlineMissed"/>); a missed deliver-by flags it late. A full batch is
/// followed at once by the next; otherwise the sweeper waits <c>sweepInterval</c> of the "fulfilment" rules.
/// </summary>
internal sealed partial class DeadlineSweeper(IServiceScopeFactory scopes, IOptionsMonitor<FulfilmentRules> rules, OrderingMetrics metrics, TimeProvider clock, ILogger<DeadlineSweeper> logger)
    : BackgroundService
{
    /// <summary>The system actor the order's timeline names for the moves deadlines make.</summary>
    public const string Component = "deadlines";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = rules.CurrentValue;
            try
            {
                if (await FireDueAsync(stoppingToken) >= settings.SweepBatchSize)
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, e);
            }

            try
            {
                await Task.Delay(settings.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and fires one batch of due deadlines; the number fired (0 when none was due, or another replica's save won).</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var batchSize = rules.CurrentValue.SweepBatchSize;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var now = clock.GetUtcNow();

        // On SQLite the transaction begins IMMEDIATE: it holds the database's one write lock from the claim to the commit.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await Claim(db, now, batchSize).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var orderIds = due.Select(d => d.OrderId).Distinct().ToList();
        var orders = await db.SellerOrders.Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, cancellationToken);
        foreach (var deadline in due.OrderBy(d => d.DueAt))
        {
            Fire(db, deadline, orders.GetValueOrDefault(deadline.OrderId), now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An order moved between the claim and this save (only where rows cannot be locked, SQLite): the batch stays
            // due, and the next sweep reads the orders as they now are.
            await transaction.RollbackAsync(CancellationToken.None);
            return 0;
        }

        await transaction.CommitAsync(CancellationToken.None);
        foreach (var missed in due.Where(d => d.Outcome is DeadlineOutcome.Cancelled or DeadlineOutcome.Flagged))
        {
            metrics.DeadlineMissed(missed.Kind);
        }

        return due.Count;
    }

    // The schema is the module's own constant name: nothing in the text comes from a request; now and the batch size are parameters.
#pragma warning disable EF1002
    private static IQueryable<OrderDeadline> Claim(OrderingDbContext db, DateTimeOffset now, int batchSize) => db.IsPostgres
        ? db.OrderDeadlines.FromSqlRaw(
            $$"""
            SELECT d.* FROM "{{db.Schema}}".order_deadlines AS d
            JOIN "{{db.Schema}}".seller_orders AS o ON o.id = d.order_id
            WHERE d.settled_at IS NULL AND d.due_at <= {0}
            ORDER BY d.due_at
            LIMIT {1}
            FOR UPDATE OF d, o SKIP LOCKED
            """,
            now,
            batchSize)
        : db.OrderDeadlines.Where(d => d.SettledAt == null && d.DueAt <= now).OrderBy(d => d.DueAt).Take(batchSize);
#pragma warning restore EF1002

    private void Fire(OrderingDbContext db, OrderDeadline deadline, SellerOrder? order, DateTimeOffset now)
    {
        switch (deadline.Kind, order?.Status)
        {
            case (DeadlineKind.AcceptBy, OrderStatus.Placed):
                var outcome = order!.Apply(OrderTransition.AcceptDeadlineMissed, OrderActor.System(Component),
                    new TransitionDetails(Reason: $"Not accepted by its deadline, {deadline.DueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC."), now);
                if (outcome.Kind == TransitionOutcomeKind.Moved)
                {
                    db.PublishMove(order, OrderTransition.AcceptDeadlineMissed, OrderStatus.Placed, clock);
                    deadline.Settle(DeadlineOutcome.Cancelled, now);
                    return;
                }

                break;
            case (DeadlineKind.ShipBy, OrderStatus.Placed or OrderStatus.Accepted):
                order!.Sla.ShipMissedAt ??= now;
                db.Publish(new OrderShipDeadlineMissed(order.Id, order.GroupId, order.Number, order.SellerId, order.CustomerId,
                    OrderWords.Of(order.Status), deadline.DueAt, order.Version, now), clock);
                deadline.Settle(DeadlineOutcome.Flagged, now);
                return;
            case (DeadlineKind.DeliverBy, OrderStatus.Placed or OrderStatus.Accepted or OrderStatus.Shipped):
                order!.Sla.DeliveryLateAt ??= now;
                deadline.Settle(DeadlineOutcome.Flagged, now);
                return;
        }

        deadline.Settle(DeadlineOutcome.Moot, now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firing due deadlines failed; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
