using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Domain;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Payouts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Refunds;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Escrow;

/// <summary>
/// Deal protection's capture: a group's payment is captured once every placed seller order of it is accepted or
/// cancelled, for the accepted orders' total (the rest of the hold is released); voided when every order is cancelled;
/// and, whatever the sellers did, captured for what is accepted so far when <c>capture_before</c> minus
/// <c>Payments:CaptureSafetyMargin</c> comes. The decision is one versioned write of the payment (authorised to
/// capturing, with the amount and the orders it pays for), so of any number of concurrent deciders exactly one
/// captures; the provider is then asked with the key <c>capture:{paymentId}</c>, and its answer is saved with the
/// ledger transaction and <see cref="PaymentCaptured"/> in one transaction.
/// </summary>
internal sealed partial class EscrowCapture(
    PaymentsDbContext db,
    IPaymentProvider provider,
    Cashier cashier,
    RefundDesk refunds,
    IOptions<PaymentsOptions> options,
    IOptionsMonitor<PayoutRules> payoutRules,
    TimeProvider clock,
    PaymentsMetrics metrics,
    ILogger<EscrowCapture> logger)
{
    /// <summary>Decides the group's capture if it can be decided now, and carries it out.</summary>
    /// <param name="orderGroupId">The group.</param>
    /// <param name="dueNow">True when the capture deadline has come: capture the accepted orders even if others are still open.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task SettleAsync(Guid orderGroupId, bool dueNow, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.Reference == orderGroupId, cancellationToken);
        if (payment is not { Status: PaymentStatus.Authorized })
        {
            return;
        }

        var orders = await db.EscrowOrders.Where(o => o.OrderGroupId == orderGroupId).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var settings = options.Value;
        if (orders.Count == 0)
        {
            return;
        }

        var open = orders.Any(o => o.Status == EscrowOrderStatus.Placed);
        var paymentMinor = MinorUnits.Of(payment.Total);
        var allArrived = orders.Sum(o => o.TotalMinor) >= paymentMinor || orders.Min(o => o.FirstSeenAt) + settings.GroupQuietPeriod <= now;
        var decided = !open && allArrived;
        if (!decided && !dueNow)
        {
            return;
        }

        var accepted = orders.Where(o => o.Status == EscrowOrderStatus.Accepted && string.Equals(o.Currency, payment.Currency, StringComparison.Ordinal)).ToList();
        if (!dueNow && accepted.Any(o => !o.PlacementSeen))
        {
            // An acceptance overtook its order's placement, which carries the lines the commission is computed from:
            // the placement's own event decides. (At the deadline the capture goes ahead; a missing order's lines are
            // then charged at the seller's or the default rate.)
            return;
        }

        if (accepted.Count == 0)
        {
            if (decided)
            {
                // Every order was cancelled: nothing to take, release the hold (Ordering asks the same; either is enough).
                db.ChangeTracker.Clear();
                await cashier.VoidAsync(payment.Id, cancellationToken);
                LogVoided(payment.Id, orderGroupId);
            }

            // Due with nothing accepted: nothing may be taken; the authorisation lapses and PaymentAuthorizationLapsed tells who must know.
            return;
        }

        var amount = Math.Min(MinorUnits.ToAmount(accepted.Sum(o => o.TotalMinor), payment.Currency), payment.Amount);
        if (!payment.DecideCapture(amount, now))
        {
            return;
        }

        foreach (var order in accepted)
        {
            order.InCapture = true;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another decider (an event for another order of the group, or a replica's scheduler) moved the payment first.
            LogLostRace(payment.Id);
            return;
        }

        LogDecided(payment.Id, orderGroupId, payment.Captured!.Value.ToString(), accepted.Count, orders.Count, dueNow && !decided);
        await CaptureAtProviderAsync(payment.Id, cancellationToken);
    }

    /// <summary>
    /// Asks the provider to capture what was decided, under the payment's one capture key (a resumed capture is answered
    /// the same), and records the answer with its ledger transaction.
    /// </summary>
    public async Task CaptureAtProviderAsync(Guid paymentId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == paymentId, cancellationToken);
        if (payment.Status != PaymentStatus.Capturing)
        {
            return;
        }

        ProviderCapture capture;
        try
        {
            capture = await provider.CaptureAsync(payment.ProviderReference!, payment.Captured!.Value, payment.CaptureKey, cancellationToken);
        }
        catch (ProviderRefusedException e)
        {
            if (payment.CaptureBefore is { } lapses && lapses <= clock.GetUtcNow())
            {
                // Too late: the provider let the authorisation go. Nothing was taken.
                await cashier.TransitionAsync(paymentId, (p, now) => p.Lapse(now, providerSaysLapsed: true), cancellationToken);
                LogLapsed(paymentId, payment.Reference);
                return;
            }

            // Left capturing: the scheduler tries again with the same key; a refusal that persists is an operator's matter.
            LogCaptureRefused(e, paymentId, e.Code);
            return;
        }

        await RecordCaptureAsync(paymentId, capture, cancellationToken);
    }

    /// <summary>
    /// Records the capture: the payment, each order's share (split by <see cref="LargestRemainder"/>) and the commission
    /// on it by the "payouts" rules in force now, the ledger transaction and <see cref="PaymentCaptured"/>, in one save.
    /// </summary>
    private async Task RecordCaptureAsync(Guid paymentId, ProviderCapture capture, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var payment = await db.Payments.SingleAsync(p => p.Id == paymentId, cancellationToken);
        var orders = await db.EscrowOrders
            .Where(o => o.OrderGroupId == payment.Reference && o.InCapture)
            .OrderBy(o => o.Number)
            .ToListAsync(cancellationToken);
        var orderIds = orders.Select(o => o.OrderId).ToList();
        var lines = (await db.EscrowOrderLines.AsNoTracking().Where(l => orderIds.Contains(l.OrderId)).ToListAsync(cancellationToken))
            .ToLookup(l => l.OrderId);
        var now = clock.GetUtcNow();
        if (payment.CompleteCapture(capture.Captured, orderIds, now, capture.ChargeReference) is not { } captured)
        {
            return;
        }

        var capturedMinor = MinorUnits.Of(capture.Captured);
        var shares = CaptureBooking.SharesOf(capturedMinor, orders.Select(o => o.TotalMinor).ToList());
        var commission = payoutRules.CurrentValue.Commission;
        var booked = new List<CapturedOrder>();
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];

            // What a refund of the order may give back, and the commission it gives back in proportion, as this capture books them.
            order.CapturedMinor = shares[i];
            order.CommissionMinor = Commission.For(commission, order.SellerId, order.Currency, order.TotalMinor, shares[i], lines[order.OrderId].OrderBy(l => l.LineNumber).ToList());
            booked.Add(new CapturedOrder(order.OrderId, order.Number, order.SellerId, order.TotalMinor, order.CommissionMinor));
        }

        db.LedgerTransactions.Add(CaptureBooking.For(payment.Id, payment.Reference, payment.Provider, capturedMinor, payment.Currency, booked, now));
        db.PublishPaymentEvent(captured, clock);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            metrics.Saved(captured);
            LogCaptured(payment.Id, payment.Reference, capture.Captured.ToString());
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e))
        {
            // A concurrent resume of the same capture recorded it (the provider answered both alike): booked once. Which
            // of its rows this save met first decides the error (the payment's version, or the ledger's unique key).
            LogLostRace(payment.Id);
            return;
        }

        // An order cancelled while its capture ran was paid for all the same: its money goes back.
        foreach (var order in orders)
        {
            await refunds.RefundCancelledAsync(order.OrderId, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} for order group {OrderGroupId}: capture of {Amount} decided for {Accepted} of {Orders} orders (deadline: {AtDeadline})")]
    private partial void LogDecided(Guid paymentId, Guid orderGroupId, string amount, int accepted, int orders, bool atDeadline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} for order group {OrderGroupId}: captured {Amount}")]
    private partial void LogCaptured(Guid paymentId, Guid orderGroupId, string amount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} for order group {OrderGroupId}: every order was cancelled, the hold is released")]
    private partial void LogVoided(Guid paymentId, Guid orderGroupId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId}: another decider moved it first")]
    private partial void LogLostRace(Guid paymentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} for order group {OrderGroupId}: the authorisation lapsed before it could be captured")]
    private partial void LogLapsed(Guid paymentId, Guid orderGroupId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {PaymentId}: the provider refused the capture ({Code}); the scheduler tries again")]
    private partial void LogCaptureRefused(Exception exception, Guid paymentId, string code);
}
