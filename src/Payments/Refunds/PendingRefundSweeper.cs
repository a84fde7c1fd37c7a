using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Refunds;

/// <summary>
/// Finishes refunds nobody else will: a refund is reserved and written pending before the provider is asked, so a
/// process that died (or a provider call that failed on the way) leaves it pending, its amount held against the order's
/// capture and the customer's money not back. Every <c>Payments:RefundRetryInterval</c>, each replica claims (by lease,
/// SKIP LOCKED on PostgreSQL: <see cref="LeaseClaims"/>) the refunds pending longer than <c>Payments:RefundRetryGrace</c>
/// and carries each on with its original idempotency key (<see cref="PaymentRefund.ProviderKey"/>): the provider refunds
/// it once however often it is asked, and its answer is booked with <see cref="PaymentRefunded"/> as at the first try.
/// </summary>
internal sealed partial class PendingRefundSweeper(
    IServiceScopeFactory scopes, IOptions<PaymentsOptions> options, TimeProvider clock, ILogger<PendingRefundSweeper> logger) : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.RefundRetryInterval;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => SweepOnceAsync(cancellationToken);

    /// <returns>How many pending refunds this pass claimed.</returns>
    internal async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var desk = scope.ServiceProvider.GetRequiredService<RefundDesk>();
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var stalledBefore = now - settings.RefundRetryGrace;
        var claim = new LeaseClaim<PaymentRefund, Guid>(
            "refunds",
            "id",
            "retry_claimed_until",
            "c.status = 'Pending' AND c.created_at <= {0}",
            [stalledBefore],
            "c.created_at",
            db.Refunds.Where(r => r.Status == PaymentRefundStatus.Pending && r.CreatedAt <= stalledBefore).OrderBy(r => r.CreatedAt),
            r => r.Id,
            r => r.RetryClaimedUntil);
        var claimed = await LeaseClaims.ClaimAsync(db, claim, now, now + settings.RefundClaimLease, settings.SweepBatchSize, cancellationToken);
        foreach (var id in claimed)
        {
            try
            {
                var outcome = await desk.CarryOnPendingAsync(id, cancellationToken);
                LogCarriedOn(id, outcome?.ToString() ?? "already finished");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The provider is still away: the refund stays pending, and once its lease ends a later pass asks again
                // with the same key. The other refunds of the batch go on.
                LogStillPending(e, id);
            }
        }

        return claimed.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refund {RefundId} was left pending; carried on with its own idempotency key: {Outcome}")]
    private partial void LogCarriedOn(Guid refundId, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refund {RefundId} is still pending: carrying it on failed; a later pass tries again")]
    private partial void LogStillPending(Exception exception, Guid refundId);

}
