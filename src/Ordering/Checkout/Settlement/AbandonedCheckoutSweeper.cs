using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// Finishes checkouts a crash left between writing the order group and hearing from the payment provider: once their
/// stock hold has expired (<c>Ordering:ReservationLifetime</c>), their orders are cancelled, their reservations and
/// promo-code uses given back, and their Idempotency-Key answered, so a repeat learns the outcome instead of 409 forever.
/// A payment that authorises afterwards finds no order to place and is voided (<see cref="PaymentOutcomeConsumer"/>).
/// It also forgets Idempotency-Keys past <c>Ordering:IdempotencyKeyLifetime</c>.
/// </summary>
internal sealed class AbandonedCheckoutSweeper(IServiceScopeFactory scopes, IOptions<OrderingOptions> options, TimeProvider clock, ILogger<AbandonedCheckoutSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Sweeping abandoned checkouts failed; the next sweep tries again");
            }

            try
            {
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var settlement = scope.ServiceProvider.GetRequiredService<GroupSettlement>();
        var before = clock.GetUtcNow() - options.Value.ReservationLifetime;
        var groups = await db.OrderGroups.Include(g => g.Orders).ThenInclude(o => o.Lines)
            .Where(g => g.PaymentStatus == GroupPaymentStatus.Pending && g.CreatedAt < before)
            .OrderBy(g => g.CreatedAt)
            .Take(options.Value.SweepBatchSize)
            .ToListAsync(cancellationToken);
        foreach (var group in groups)
        {
            var ended = await settlement.CancelUnpaidAsync(group, OrderTransition.PaymentAbandoned, GroupPaymentStatus.Canceled,
                "The checkout did not finish before its stock hold expired.", cancellationToken);
            if (!ended)
            {
                // Its units were sold under an authorised payment: that payment's event places the order, and its key is
                // not told the checkout was abandoned. The orders that held nothing are cancelled all the same.
                logger.LogWarning("Checkout {OrderGroupId} stopped after its stock was sold; it waits for its payment's event", group.Id);
            }

            foreach (var key in ended ? await db.IdempotencyKeys.Where(k => k.OrderGroupId == group.Id && k.ResponseStatus == null).ToListAsync(cancellationToken) : [])
            {
                key.ResponseStatus = StatusCodes.Status409Conflict;
                key.ResponseBody = System.Text.Json.JsonSerializer.Serialize(new
                {
                    type = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
                    title = "The checkout was abandoned",
                    status = StatusCodes.Status409Conflict,
                    detail = "It did not finish before its stock hold expired; nothing is reserved or charged. Check out again with a new Idempotency-Key.",
                    code = "checkout_abandoned",
                    orderGroupId = group.Id,
                }, System.Text.Json.JsonSerializerOptions.Web);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Settled meanwhile by checkout or a payment event: that outcome stands.
                db.ChangeTracker.Clear();
            }
        }

        // Keys past their lifetime are forgotten; their order groups stay.
        var now = clock.GetUtcNow();
        await db.IdempotencyKeys.Where(k => k.ExpiresAt < now && k.ResponseStatus != null).ExecuteDeleteAsync(cancellationToken);
        return groups.Count;
    }
}
