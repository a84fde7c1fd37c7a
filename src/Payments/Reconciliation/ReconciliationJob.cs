using Marketplace.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Reconciliation;

/// <summary>Runs <see cref="LedgerReconciliation"/> every <c>Payments:ReconciliationInterval</c>; a failed run is logged and the next tick tries again.</summary>
internal sealed class ReconciliationJob(
    IServiceScopeFactory scopes, IOptions<PaymentsOptions> options, TimeProvider clock, ILogger<ReconciliationJob> logger) : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.ReconciliationInterval;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LedgerReconciliation>().RunAsync(cancellationToken);
    }
}
