using System.Diagnostics.Metrics;
using Marketplace.Payments.Contracts;

namespace Marketplace.Payments;

/// <summary>
/// Payments' instruments (ops/metrics.md, "Checkout and money"): payments authorised, declined and captured, refunds
/// and payouts by outcome, counted once each is saved; and what the last reconciliation found.
/// </summary>
internal sealed class PaymentsMetrics
{
    public const string MeterName = "Marketplace.Payments";

    private readonly Counter<long> _authorized;
    private readonly Counter<long> _declined;
    private readonly Counter<long> _captured;
    private readonly Counter<long> _refunds;
    private readonly Counter<long> _payouts;
    private readonly Counter<long> _runs;
    private long _differences;

    public PaymentsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _authorized = meter.CreateCounter<long>("marketplace.payments.authorized", description: "Payments the provider authorised");
        _declined = meter.CreateCounter<long>("marketplace.payments.declined", description: "Payments the provider declined, by decline code");
        _captured = meter.CreateCounter<long>("marketplace.payments.captured", description: "Payments captured (after delivery, or at once for digital goods)");
        _refunds = meter.CreateCounter<long>("marketplace.refunds", description: "Refunds the provider answered: succeeded or failed (refused)");
        _payouts = meter.CreateCounter<long>("marketplace.payouts", description: "Payout transfers to sellers: paid, or failed (the provider refused; retried later)");
        meter.CreateObservableGauge(
            "marketplace.payments.reconciliation.differences",
            () => Interlocked.Read(ref _differences),
            description: "Differences between the provider's balance transactions and the ledger found by this process's last reconciliation");
        _runs = meter.CreateCounter<long>("marketplace.payments.reconciliation.runs", description: "Reconciliation runs completed");
    }

    /// <summary>Counts a payment event once it is saved; events that are not outcomes counted here are ignored.</summary>
    public void Saved(object paymentEvent)
    {
        switch (paymentEvent)
        {
            case PaymentAuthorized:
                _authorized.Add(1);
                break;
            case PaymentFailed failed:
                // Decline codes are the provider's short, fixed vocabulary (Stripe's decline_code), so they make a bounded label.
                _declined.Add(1, new KeyValuePair<string, object?>("reason", failed.DeclineCode));
                break;
            case PaymentCaptured:
                _captured.Add(1);
                break;
        }
    }

    public void Refunded(bool succeeded) => _refunds.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));

    public void PaidOut(bool paid) => _payouts.Add(1, new KeyValuePair<string, object?>("outcome", paid ? "paid" : "failed"));

    public void Reconciled(int differences)
    {
        Interlocked.Exchange(ref _differences, differences);
        _runs.Add(1);
    }
}
