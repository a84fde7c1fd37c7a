using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// Finishes checkouts a crash stopped before they saved their payment's outcome (<see cref="StoppedCheckoutFinisher"/>),
/// every <c>Ordering:SweepInterval</c>. It also forgets Idempotency-Keys past <c>Ordering:IdempotencyKeyLifetime</c>, and
/// checkout runners not seen for as long.
/// </summary>
internal sealed class AbandonedCheckoutSweeper(IServiceScopeFactory scopes, IOptions<OrderingOptions> options, TimeProvider clock, ILogger<AbandonedCheckoutSweeper> logger)
    : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => SweepOnceAsync(cancellationToken);

    /// <returns>How many stopped checkouts it looked at (one whose authorisation is unfinished is left for a later sweep).</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var finisher = scope.ServiceProvider.GetRequiredService<StoppedCheckoutFinisher>();
        var payments = scope.ServiceProvider.GetRequiredService<IPayments>();
        var groups = await finisher.FindAsync(options.Value.SweepBatchSize, cancellationToken);
        foreach (var group in groups)
        {
            await finisher.FinishAsync(group, StoppedCheckoutFinisher.BySweeper, cancellationToken);
        }

        // A key whose checkout stopped after a payment event (a webhook that raced the authorise call) settled its group
        // first is answered from the group as it now stands, as the checkout would have answered it.
        var now = clock.GetUtcNow();
        var before = now - options.Value.ReservationLifetime;
        var orphanedBefore = now - options.Value.OrphanedCheckoutAfter;
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

        // Keys past their lifetime are forgotten, their order groups stay; so are runners no key can name any more.
        var forgetBefore = now - options.Value.IdempotencyKeyLifetime;
        await db.IdempotencyKeys.Where(k => k.ExpiresAt < now && k.ResponseStatus != null).ExecuteDeleteAsync(cancellationToken);
        await db.CheckoutRunners.Where(r => r.SeenAt < forgetBefore).ExecuteDeleteAsync(cancellationToken);
        return groups.Count;
    }
}
