using System.Diagnostics.Metrics;

namespace Marketplace.Payments.Reconciliation;

/// <summary>Payments' instruments: what the last reconciliation found, and how many runs there were.</summary>
internal sealed class PaymentsMetrics
{
    public const string MeterName = "Marketplace.Payments";

    private readonly Counter<long> _runs;
    private long _differences;

    public PaymentsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "marketplace.payments.reconciliation.differences",
            () => Interlocked.Read(ref _differences),
            description: "Differences between the provider's balance transactions and the ledger found by this process's last reconciliation");
        _runs = meter.CreateCounter<long>("marketplace.payments.reconciliation.runs", description: "Reconciliation runs completed");
    }

    public void Reconciled(int differences)
    {
        Interlocked.Exchange(ref _differences, differences);
        _runs.Add(1);
    }
}
