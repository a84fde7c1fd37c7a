using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// Finds and finishes checkouts that stopped before they saved their payment's outcome, so a repeat of their
/// Idempotency-Key learns the outcome instead of 409 forever. A pending order group has stopped when
/// <list type="bullet">
/// <item>its stock hold has expired (<c>Ordering:ReservationLifetime</c>);</item>
/// <item>its key is unanswered and its runner (<see cref="CheckoutRunner"/>) missed three beats: the process died under
/// it, typically a replica killed mid-checkout;</item>
/// <item>or its key is still unanswered <c>Ordering:OrphanedCheckoutAfter</c> after it began (longer than any checkout
/// runs), though its runner lives.</item>
/// </list>
/// It is settled as the checkout would have settled it, from how Payments says its payment stands (placed, declined, or
/// abandoned with its reservations and promo-code uses given back), unless its authorisation is itself unfinished before
/// its hold lapsed: Payments resumes that first. A payment that authorises afterwards finds no order to place and is
/// voided (<see cref="PaymentOutcomeConsumer"/>). The sweeper runs it for every stopped group; a repeat of a key whose
/// checkout is still running runs it for that one group.
/// </summary>
internal sealed partial class StoppedCheckoutFinisher(
    OrderingDbContext db,
    GroupSettlement settlement,
    IPayments payments,
    OrderingMetrics metrics,
    IOptions<OrderingOptions> options,
    TimeProvider clock,
    ILogger<StoppedCheckoutFinisher> logger)
{
    /// <summary>Who finished a stopped checkout, as <c>marketplace_checkouts_recovered_total</c> tags it.</summary>
    public const string BySweeper = "sweeper";

    /// <inheritdoc cref="BySweeper"/>
    public const string ByRepeat = "repeat";

    /// <summary>The oldest stopped checkouts, at most <paramref name="batchSize"/>, with their orders and lines, tracked.</summary>
    public Task<List<OrderGroup>> FindAsync(int batchSize, CancellationToken cancellationToken) =>
        Stopped().Include(g => g.Orders).ThenInclude(o => o.Lines).OrderBy(g => g.CreatedAt).Take(batchSize).ToListAsync(cancellationToken);

    /// <summary>Finishes the group when it has stopped; false when it has not (its checkout still runs), or is already settled.</summary>
    public async Task<bool> FinishIfStoppedAsync(Guid orderGroupId, CancellationToken cancellationToken)
    {
        var group = await Stopped().Where(g => g.Id == orderGroupId).Include(g => g.Orders).ThenInclude(o => o.Lines).SingleOrDefaultAsync(cancellationToken);
        return group is not null && await FinishAsync(group, ByRepeat, cancellationToken);
    }

    /// <summary>
    /// Finishes one stopped group (tracked, with its orders and lines); false when it was left for Payments to resume.
    /// <paramref name="by"/> is <see cref="BySweeper"/> or <see cref="ByRepeat"/>, for the metric.
    /// </summary>
    public async Task<bool> FinishAsync(OrderGroup group, string by, CancellationToken cancellationToken)
    {
        var payment = await payments.FindForOrderGroupAsync(group.Id, cancellationToken);
        var holdLapsed = group.CreatedAt < clock.GetUtcNow() - options.Value.ReservationLifetime;
        if (!holdLapsed && payment?.Status == PaymentStatus.Authorizing)
        {
            // Stopped in the middle of its authorisation: Payments resumes it, and a later sweep finishes the checkout.
            return false;
        }

        var (ended, answer, outcome) = await SettleAsync(group, payment, holdLapsed, cancellationToken);
        if (!ended)
        {
            // Its units were sold under an authorised payment: that payment's event places the order, and its key is
            // not told the checkout was abandoned. The orders that held nothing are cancelled all the same.
            LogLeftForPayment(logger, group.Id);
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
            // Settled meanwhile by checkout, a payment event or another finisher: that outcome stands.
            db.ChangeTracker.Clear();
            return true;
        }

        if (ended)
        {
            metrics.CheckoutRecovered(by, outcome);
        }

        if (payment is { Status: PaymentStatus.Authorized } && group.Orders.All(o => o.Status == OrderStatus.Cancelled))
        {
            // Authorised for orders that can no longer be placed (their holds lapsed): release the money too.
            await payments.VoidAsync(payment.PaymentId, cancellationToken);
        }

        // What was placed leaves the cart it was bought from, as after a checkout that finished.
        await settlement.RemoveOrderedFromCartAsync(group, null, cancellationToken);
        return true;
    }

    /// <summary>The pending groups that have stopped, as the class says.</summary>
    private IQueryable<OrderGroup> Stopped()
    {
        var now = clock.GetUtcNow();
        var before = now - options.Value.ReservationLifetime;
        var orphanedBefore = now - options.Value.OrphanedCheckoutAfter;
        var aliveSince = ThisRunner.AliveSince(now, options.Value);
        return db.OrderGroups.Where(g => g.PaymentStatus == GroupPaymentStatus.Pending
            && (g.CreatedAt < before
                || db.IdempotencyKeys.Any(k => k.OrderGroupId == g.Id && k.ResponseStatus == null
                    && (g.CreatedAt < orphanedBefore
                        || (k.RunnerId != null && g.CreatedAt < aliveSince && !db.CheckoutRunners.Any(r => r.Id == k.RunnerId && r.SeenAt >= aliveSince))))));
    }

    /// <summary>
    /// Settles one stopped checkout as its payment now stands. The checkout that asked for the payment settles an outcome
    /// answered to it (the payment's event leaves that to it), so when it stopped first, finishing is this class's job:
    /// authorised, the orders whose holds still stand are placed; declined, the orders are cancelled as a checkout would;
    /// while the hold stands, any other outcome is applied as the checkout would have; otherwise (never asked, or still
    /// undecided once the hold lapsed) the checkout is abandoned.
    /// </summary>
    /// <returns>
    /// False when an order was left for its payment to place; otherwise the answer its key is given. The outcome names it
    /// for the metric: placed, declined, requires_action or abandoned.
    /// </returns>
    private async Task<(bool Ended, (int Status, string Body) Answer, string Outcome)> SettleAsync(
        OrderGroup group, PaymentState? payment, bool holdLapsed, CancellationToken cancellationToken)
    {
        switch (payment?.Status)
        {
            case PaymentStatus.Authorized or PaymentStatus.Declined:
            case not null when !holdLapsed:
                // Decided, or (its hold still standing) waiting for the buyer's 3-D Secure step: settled as its checkout would
                // have, which marks a 3-D Secure group so and answers its key with the action the buyer can still complete.
                var settled = await settlement.ApplyOutcomeAsync(group, payment, cancellationToken);
                var outcome = payment.Status switch
                {
                    PaymentStatus.Authorized => "placed",
                    PaymentStatus.Declined => "declined",
                    PaymentStatus.RequiresAction => "requires_action",
                    _ => "abandoned",
                };
                return (settled, CheckoutAnswers.Of(group, payment), outcome);
            default:
                var abandoned = await settlement.CancelUnpaidAsync(group, OrderTransition.PaymentAbandoned, GroupPaymentStatus.Canceled,
                    "The checkout stopped before its payment had an outcome.", cancellationToken);
                return (abandoned, CheckoutAnswers.Abandoned(group), "abandoned");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout {OrderGroupId} stopped after its stock was sold; it waits for its payment's event")]
    private static partial void LogLeftForPayment(ILogger logger, Guid orderGroupId);
}
