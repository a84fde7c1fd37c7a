using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Expiry;

/// <summary>
/// Cancels payments whose required action (3-D Secure) was abandoned past <c>Payments:ActionTimeout</c>, publishing
/// <see cref="PaymentCanceled"/> so that Ordering releases the reservation; and resumes authorisations a crash left
/// without the provider's answer. Every replica runs it: each payment changes under its version, so when two sweepers
/// (or a sweeper and the customer's confirmation) reach the same payment, one transition wins and the other sees it.
/// </summary>
internal sealed partial class ActionExpirySweeper(
    IServiceScopeFactory scopes, IOptions<PaymentsOptions> options, TimeProvider clock, ILogger<ActionExpirySweeper> logger) : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => SweepOnceAsync(cancellationToken);

    /// <summary>One pass: the expired actions, then the stalled authorisations, each batch at most <c>Payments:SweepBatchSize</c>.</summary>
    /// <returns>How many payments this pass canceled or settled.</returns>
    internal async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var cashier = scope.ServiceProvider.GetRequiredService<Cashier>();
        var provider = scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
        var settings = options.Value;
        var now = clock.GetUtcNow();

        var expired = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.RequiresAction && p.ActionExpiresAt <= now)
            .OrderBy(p => p.ActionExpiresAt)
            .Select(p => p.Id)
            .Take(settings.SweepBatchSize)
            .ToListAsync(cancellationToken);
        var handled = 0;
        foreach (var id in expired)
        {
            var (payment, changed) = await cashier.TransitionAsync(id, (p, at) => p.Expire(at), cancellationToken);
            if (changed)
            {
                handled++;
                LogAbandoned(payment.Id, payment.Reference);

                // After the decision is committed, so that a customer's confirmation that won the race is never undone
                // at the provider; the sandbox has nothing to release, Stripe cancels the PaymentIntent.
                await provider.VoidAsync(payment.Id, payment.ProviderReference!, cancellationToken);
            }
        }

        var stalledBefore = now - settings.ProviderTimeout;
        var stalled = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.Authorizing && p.UpdatedAt <= stalledBefore)
            .OrderBy(p => p.UpdatedAt)
            .Take(settings.SweepBatchSize)
            .ToListAsync(cancellationToken);
        foreach (var payment in stalled)
        {
            await cashier.SettleAsync(payment, cancellationToken);
            handled++;
        }

        return handled;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {PaymentId} for order group {OrderGroupId} canceled: its required action was abandoned")]
    private partial void LogAbandoned(Guid paymentId, Guid orderGroupId);

}
