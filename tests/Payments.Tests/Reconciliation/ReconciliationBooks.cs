using System.Diagnostics.Metrics;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Reconciliation;
using Marketplace.Payments.Tests.Escrow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Reconciliation;

/// <summary>What reconciliation tests do to the books: book a refund as the refunds slice does, plant a ledger error, read the metric.</summary>
internal static class ReconciliationBooks
{
    public static async Task<ReconciliationReportResponse> RunAsync(PaymentsHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerReconciliation>().RunAsync(CancellationToken.None);
    }

    /// <summary>Books a refund of the group's first order on the provider's account (key <c>refund:{id}</c>, reason <c>refund</c>), as the refunds slice does.</summary>
    public static async Task BookRefundAsync(PaymentsHost host, GroupOrders group, string provider, long amountMinor)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var at = host.Clock.GetUtcNow();
        var order = group[0];
        var transaction = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(at),
            Key = $"refund:{Guid.NewGuid()}",
            Kind = "refund",
            PaymentId = group.Payment.PaymentId,
            OrderGroupId = group.Payment.OrderGroupId,
            Currency = "EUR",
            RecordedAt = at,
        };
        LedgerEntry Entry(string account, LedgerAccountKind kind, long amount) => new()
        {
            TransactionId = transaction.Id,
            Account = account,
            AccountKind = kind,
            SellerId = kind == LedgerAccountKind.SellerPayable ? order.SellerId : null,
            OrderId = order.OrderId,
            OrderNumber = order.Number,
            Amount = amount,
            Currency = "EUR",
            Reason = "refund",
            RecordedAt = at,
        };
        transaction.Entries.Add(Entry(LedgerAccounts.Provider(provider), LedgerAccountKind.ProviderBalance, -amountMinor));
        transaction.Entries.Add(Entry(LedgerAccounts.SellerPayable(order.SellerId), LedgerAccountKind.SellerPayable, amountMinor));
        db.LedgerTransactions.Add(transaction);
        await db.SaveChangesAsync();
    }

    /// <summary>A ledger bug planted on a payment's capture: one cent more booked as received, still balanced (buyer funds take the other side).</summary>
    public static async Task<Guid> MisbookCaptureAsync(PaymentsHost host, Guid paymentId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var capture = await db.LedgerTransactions.AsNoTracking().SingleAsync(t => t.Key == CaptureBooking.KeyOf(paymentId));
        await db.LedgerEntries.Where(e => e.TransactionId == capture.Id && e.AccountKind == LedgerAccountKind.ProviderBalance)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.Amount, e => e.Amount + 1));
        var buyerSide = await db.LedgerEntries.Where(e => e.TransactionId == capture.Id && e.AccountKind == LedgerAccountKind.BuyerFunds && e.Reason == "capture")
            .Select(e => e.Sequence).SingleAsync();
        await db.LedgerEntries.Where(e => e.Sequence == buyerSide).ExecuteUpdateAsync(set => set.SetProperty(e => e.Amount, e => e.Amount - 1));
        return capture.Id;
    }

    /// <summary>The reconciliation gauge as this host's meter reports it now.</summary>
    public static long DifferencesGauge(PaymentsHost host)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        long? seen = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PaymentsMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)
                && instrument.Name == "marketplace.payments.reconciliation.differences")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => seen = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return seen ?? throw new InvalidOperationException("The reconciliation gauge was not published.");
    }
}
