using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// Finishes checkouts a crash stopped before they saved their payment's outcome: once their stock hold has expired
/// (<c>Ordering:ReservationLifetime</c>), it asks Payments how the group's payment stands and settles the group as the
/// checkout would have (placed, declined, or abandoned with its reservations and promo-code uses given back), and answers
/// its Idempotency-Key, so a repeat learns the outcome instead of 409 forever. A checkout whose key is still unanswered
/// <c>Ordering:OrphanedCheckoutAfter</c> after it began (longer than any checkout runs) has stopped, typically with a
/// replica killed under it: it is finished then, without waiting for its hold to lapse, unless its authorisation is
/// itself unfinished (Payments resumes it first). A key whose group a payment event settled before its checkout stopped
/// is answered from the group too. A payment that authorises afterwards finds no order to place and is voided
/// (<see cref="PaymentOutcomeConsumer"/>).
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
        var payments = scope.ServiceProvider.GetRequiredService<IPayments>();
        var before = clock.GetUtcNow() - options.Value.ReservationLifetime;
        var orphanedBefore = clock.GetUtcNow() - options.Value.OrphanedCheckoutAfter;
        var groups = await db.OrderGroups.Include(g => g.Orders).ThenInclude(o => o.Lines)
            .Where(g => g.PaymentStatus == GroupPaymentStatus.Pending
                && (g.CreatedAt < before
                    || (g.CreatedAt < orphanedBefore && db.IdempotencyKeys.Any(k => k.OrderGroupId == g.Id && k.ResponseStatus == null))))
            .OrderBy(g => g.CreatedAt)
            .Take(options.Value.SweepBatchSize)
            .ToListAsync(cancellationToken);
        foreach (var group in groups)
        {
            var payment = await payments.FindForOrderGroupAsync(group.Id, cancellationToken);
            var holdLapsed = group.CreatedAt < before;
            if (!holdLapsed && payment?.Status == PaymentStatus.Authorizing)
            {
                // Orphaned in the middle of its authorisation: Payments resumes it, and a later sweep finishes the checkout.
                continue;
            }

            var (ended, answer) = await FinishAsync(group, payment, holdLapsed, settlement, cancellationToken);
            if (!ended)
            {
                // Its units were sold under an authorised payment: that payment's event places the order, and its key is
                // not told the checkout was abandoned. The orders that held nothing are cancelled all the same.
                logger.LogWarning("Checkout {OrderGroupId} stopped after its stock was sold; it waits for its payment's event", group.Id);
            }

            foreach (var key in ended ? await db.IdempotencyKeys.Where(k => k.OrderGroupId == group.Id && k.ResponseStatus == null).ToListAsync(cancellationToken) : [])
            {
                (key.ResponseStatus, key.ResponseBody) = answer;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Settled meanwhile by checkout or a payment event: that outcome stands.
                db.ChangeTracker.Clear();
                continue;
            }

            if (payment is { Status: PaymentStatus.Authorized } && group.Orders.All(o => o.Status == OrderStatus.Cancelled))
            {
                // Authorised for orders that can no longer be placed (their holds lapsed): release the money too.
                await payments.VoidAsync(payment.PaymentId, cancellationToken);
            }

            // What was placed leaves the cart it was bought from, as after a checkout that finished.
            await settlement.RemoveOrderedFromCartAsync(group, null, cancellationToken);
        }

        // A key whose checkout stopped after a payment event (a webhook that raced the authorise call) settled its group
        // first is answered from the group as it now stands, as the checkout would have answered it.
        var answeredBefore = before > orphanedBefore ? before : orphanedBefore;
        var unanswered = await db.IdempotencyKeys
            .Where(k => k.ResponseStatus == null && k.CreatedAt < answeredBefore && !k.OwnerScope.StartsWith(Refunds.Issue.RefundIssuing.KeyScopePrefix))
            .Join(db.OrderGroups.Where(g => g.PaymentStatus != GroupPaymentStatus.Pending), k => k.OrderGroupId, g => g.Id, (k, g) => k)
            .OrderBy(k => k.CreatedAt)
            .Take(options.Value.SweepBatchSize)
            .ToListAsync(cancellationToken);
        foreach (var key in unanswered)
        {
            var group = await db.OrderGroups.Include(g => g.Orders).ThenInclude(o => o.Lines).AsNoTracking().SingleAsync(g => g.Id == key.OrderGroupId, cancellationToken);
            if (await payments.FindForOrderGroupAsync(group.Id, cancellationToken) is { } payment)
            {
                (key.ResponseStatus, key.ResponseBody) = CheckoutAnswers.Of(group, payment);
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        // Keys past their lifetime are forgotten; their order groups stay.
        var now = clock.GetUtcNow();
        await db.IdempotencyKeys.Where(k => k.ExpiresAt < now && k.ResponseStatus != null).ExecuteDeleteAsync(cancellationToken);
        return groups.Count;
    }

    /// <summary>
    /// Finishes one stopped checkout as its payment now stands. The checkout that asked for the payment settles an outcome
    /// answered to it (the payment's event leaves that to it), so when it stopped first, finishing is this sweeper's job:
    /// authorised, the orders whose holds still stand are placed; declined, the orders are cancelled as a checkout would;
    /// while the hold stands, any other outcome is applied as the checkout would have; otherwise (never asked, or still
    /// undecided once the hold lapsed) the checkout is abandoned.
    /// </summary>
    /// <returns>False when an order was left for its payment to place; otherwise the answer its key is given.</returns>
    private static async Task<(bool Ended, (int Status, string Body) Answer)> FinishAsync(
        OrderGroup group, PaymentState? payment, bool holdLapsed, GroupSettlement settlement, CancellationToken cancellationToken)
    {
        switch (payment?.Status)
        {
            case PaymentStatus.Authorized or PaymentStatus.Declined:
            case not null when !holdLapsed:
                // Decided, or (its hold still standing) waiting for the buyer's 3-D Secure step: settled as its checkout would
                // have, which marks a 3-D Secure group so and answers its key with the action the buyer can still complete.
                var settled = await settlement.ApplyOutcomeAsync(group, payment, cancellationToken);
                return (settled, CheckoutAnswers.Of(group, payment));
            default:
                var abandoned = await settlement.CancelUnpaidAsync(group, OrderTransition.PaymentAbandoned, GroupPaymentStatus.Canceled,
                    "The checkout stopped before its payment had an outcome.", cancellationToken);
                return (abandoned, CheckoutAnswers.Abandoned(group));
        }
    }
}
