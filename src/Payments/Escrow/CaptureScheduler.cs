using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Domain;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Escrow;

/// <summary>
/// Makes sure no authorisation lapses for want of a capture. Each pass claims (by lease, with SKIP LOCKED on
/// PostgreSQL, so replicas share the work) the payments that need it: a capture decided but not answered by the
/// provider within <c>Payments:ProviderTimeout</c> (resumed with the same key); an authorisation whose
/// <c>capture_before</c> minus <c>Payments:CaptureSafetyMargin</c> has come (captured for what is accepted so far);
/// one whose <c>capture_before</c> has passed uncaptured (recorded as lapsed, with <see cref="PaymentAuthorizationLapsed"/>);
/// and a group whose orders are all answered but whose decision an event did not make (a crash, or the quiet period).
/// </summary>
internal sealed partial class CaptureScheduler(
    IServiceScopeFactory scopes, IOptions<PaymentsOptions> options, TimeProvider clock, ILogger<CaptureScheduler> logger) : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => SweepOnceAsync(cancellationToken);

    /// <returns>How many payments this pass claimed.</returns>
    internal async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var escrow = scope.ServiceProvider.GetRequiredService<EscrowCapture>();
        var cashier = scope.ServiceProvider.GetRequiredService<Cashier>();
        var provider = scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
        var settings = options.Value;
        var claimed = await ClaimAsync(db, clock.GetUtcNow(), settings, cancellationToken);
        foreach (var id in claimed)
        {
            db.ChangeTracker.Clear();
            var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == id, cancellationToken);
            var now = clock.GetUtcNow();
            if (payment.Status == PaymentStatus.Capturing)
            {
                await escrow.CaptureAtProviderAsync(id, cancellationToken);
            }
            else if (payment.Status != PaymentStatus.Authorized)
            {
                continue;
            }
            else if (payment.CaptureBefore <= now)
            {
                var (lapsed, changed) = await cashier.TransitionAsync(id, (p, at) => p.Lapse(at), cancellationToken);
                if (changed)
                {
                    LogLapsed(id, lapsed.Reference);

                    // After the lapse is committed: whatever the provider still holds is released (Stripe has usually
                    // canceled the intent already, which the provider treats as done).
                    await provider.VoidAsync(id, lapsed.ProviderReference!, cancellationToken);
                }
            }
            else
            {
                var due = payment.CaptureBefore - settings.CaptureSafetyMargin <= now;
                await escrow.SettleAsync(payment.Reference, due, cancellationToken);
            }
        }

        return claimed.Count;
    }

    private static Task<IReadOnlyList<Guid>> ClaimAsync(PaymentsDbContext db, DateTimeOffset now, PaymentsOptions settings, CancellationToken cancellationToken)
    {
        var stalledBefore = now - settings.ProviderTimeout;
        var dueBy = now + settings.CaptureSafetyMargin;
        var s = db.Schema;
        var claim = new LeaseClaim<Payment, Guid>(
            "payments",
            "id",
            "capture_claimed_until",
            $$"""
            (c.status = 'Capturing' AND c.capture_decided_at <= {0})
            OR (c.status = 'Authorized' AND c.capture_before <= {1})
            OR (c.status = 'Authorized'
                AND EXISTS (SELECT 1 FROM {{s}}.escrow_orders AS o WHERE o.order_group_id = c.reference)
                AND NOT EXISTS (SELECT 1 FROM {{s}}.escrow_orders AS o WHERE o.order_group_id = c.reference AND o.status = 'Placed'))
            """,
            [stalledBefore, dueBy],
            "c.capture_before NULLS LAST",
            db.Payments
                .Where(c => (c.Status == PaymentStatus.Capturing && c.CaptureDecidedAt <= stalledBefore)
                            || (c.Status == PaymentStatus.Authorized && c.CaptureBefore <= dueBy)
                            || (c.Status == PaymentStatus.Authorized
                                && db.EscrowOrders.Any(o => o.OrderGroupId == c.Reference)
                                && !db.EscrowOrders.Any(o => o.OrderGroupId == c.Reference && o.Status == EscrowOrderStatus.Placed)))
                .OrderBy(c => c.CaptureBefore),
            c => c.Id,
            c => c.CaptureClaimedUntil);
        return LeaseClaims.ClaimAsync(db, claim, now, now + settings.CaptureClaimLease, settings.SweepBatchSize, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} for order group {OrderGroupId}: the authorisation lapsed uncaptured")]
    private partial void LogLapsed(Guid paymentId, Guid orderGroupId);

}
