using System.Text.Json;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Reconciliation;

/// <summary>
/// Holds the provider's balance transactions to the ledger's entries on the provider's account. The window ends
/// <c>Payments:ReconciliationSettleDelay</c> ago (a capture is at the provider a moment before it is booked) and
/// starts <c>Payments:ReconciliationLookback</c> before that; both sides are read <c>Payments:ReconciliationSlack</c>
/// wider, so that a movement whose two sides straddle an edge still pairs, and only what is left over inside the window
/// is reported. Movements are paired within their kind and currency, and, for captures and refunds, their payment
/// (the provider names the PaymentIntent; the ledger's transaction names our payment, whose provider reference it is);
/// equal amounts pair first, the rest in time order as amount mismatches, and anything alone is missing on the other side.
/// </summary>
internal sealed partial class LedgerReconciliation(
    PaymentsDbContext db,
    IPaymentProvider provider,
    PaymentsMetrics metrics,
    IOptions<PaymentsOptions> options,
    TimeProvider clock,
    ILogger<LedgerReconciliation> logger)
{
    public const string MissingInLedger = "missing_in_ledger";
    public const string MissingAtProvider = "missing_at_provider";
    public const string AmountMismatch = "amount_mismatch";

    private const string Capture = "capture";
    private const string Refund = "refund";
    private const string Transfer = "transfer";
    private const string Reversal = "reversal";
    private const string Fee = "fee";
    private const string Dispute = "dispute";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>One movement on one side, in minor units.</summary>
    private sealed record Movement(string Kind, string? PaymentReference, string Currency, long Amount, DateTimeOffset At, string? ProviderId, Guid? LedgerId);

    public async Task<ReconciliationReportResponse> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var to = now - settings.ReconciliationSettleDelay;
        var from = to - settings.ReconciliationLookback;
        var readFrom = from - settings.ReconciliationSlack;
        var readTo = to + settings.ReconciliationSlack;

        var atProvider = (await provider.BalanceTransactionsAsync(readFrom, cancellationToken))
            .Where(t => t.CreatedAt <= readTo)
            .SelectMany(ProviderMovements)
            .ToList();
        var inLedger = await LedgerMovementsAsync(readFrom, readTo, cancellationToken);

        var differences = new List<ReconciliationDifference>();
        var matched = 0;
        bool InWindow(DateTimeOffset at) => at >= from && at <= to;
        foreach (var group in atProvider.Select(m => (Side: 'p', Movement: m)).Concat(inLedger.Select(m => (Side: 'l', Movement: m)))
                     .GroupBy(x => (x.Movement.Kind, Reference: x.Movement.Kind is Capture or Refund ? x.Movement.PaymentReference : null, x.Movement.Currency)))
        {
            var providerSide = group.Where(x => x.Side == 'p').Select(x => x.Movement).OrderBy(m => m.At).ToList();
            var ledgerSide = group.Where(x => x.Side == 'l').Select(x => x.Movement).OrderBy(m => m.At).ToList();
            foreach (var movement in providerSide.ToList())
            {
                if (ledgerSide.FirstOrDefault(l => l.Amount == movement.Amount) is { } same)
                {
                    providerSide.Remove(movement);
                    ledgerSide.Remove(same);
                    matched++;
                }
            }

            for (var i = 0; i < Math.Max(providerSide.Count, ledgerSide.Count); i++)
            {
                var p = i < providerSide.Count ? providerSide[i] : null;
                var l = i < ledgerSide.Count ? ledgerSide[i] : null;
                if (!(p is not null && InWindow(p.At)) && !(l is not null && InWindow(l.At)))
                {
                    continue;
                }

                var problem = p is null ? MissingAtProvider : l is null ? MissingInLedger : AmountMismatch;
                var any = (p ?? l)!;
                differences.Add(new ReconciliationDifference(
                    problem,
                    any.Kind,
                    any.Currency,
                    p is null ? null : MinorUnits.ToAmount(p.Amount, p.Currency),
                    l is null ? null : MinorUnits.ToAmount(l.Amount, l.Currency),
                    p?.ProviderId,
                    l?.LedgerId,
                    p?.PaymentReference ?? l?.PaymentReference,
                    p is null ? l!.At : l is null ? p.At : p.At < l.At ? p.At : l.At));
            }
        }

        differences = differences.OrderBy(d => d.At).ThenBy(d => d.ProviderTransactionId, StringComparer.Ordinal).ToList();
        var run = new ReconciliationRun
        {
            Id = Guid.CreateVersion7(now),
            Provider = provider.Name,
            RanAt = now,
            From = from,
            To = to,
            ProviderTransactions = atProvider.Count,
            LedgerTransactions = inLedger.Count,
            Matched = matched,
            DifferenceCount = differences.Count,
            Differences = JsonSerializer.Serialize(differences.Take(settings.MaxReportedDifferences).ToList(), Json),
        };
        db.ReconciliationRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        metrics.Reconciled(differences.Count);
        if (differences.Count > 0)
        {
            LogDifferences(differences.Count, provider.Name, from, to);
        }

        return ToResponse(run);
    }

    public static ReconciliationReportResponse ToResponse(ReconciliationRun run) => new(
        run.Id,
        run.Provider,
        run.RanAt,
        run.From,
        run.To,
        run.ProviderTransactions,
        run.LedgerTransactions,
        run.Matched,
        run.DifferenceCount,
        JsonSerializer.Deserialize<List<ReconciliationDifference>>(run.Differences, Json) ?? []);

    /// <summary>A balance transaction, and the provider's fee on it as a movement of its own, as the ledger books a fee.</summary>
    private static IEnumerable<Movement> ProviderMovements(ProviderBalanceTransaction transaction)
    {
        yield return new Movement(KindOfProviderType(transaction.Type), transaction.PaymentReference, transaction.Currency, transaction.AmountMinor, transaction.CreatedAt, transaction.Id, null);
        if (transaction.FeeMinor != 0)
        {
            yield return new Movement(Fee, transaction.PaymentReference, transaction.Currency, -transaction.FeeMinor, transaction.CreatedAt, $"{transaction.Id}#fee", null);
        }
    }

    /// <summary>The ledger's side: each transaction's entries on the provider's account, its fee entries apart.</summary>
    private async Task<List<Movement>> LedgerMovementsAsync(DateTimeOffset readFrom, DateTimeOffset readTo, CancellationToken cancellationToken)
    {
        var account = LedgerAccounts.Provider(provider.Name);
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.Account == account && e.RecordedAt >= readFrom && e.RecordedAt <= readTo)
            .Join(db.LedgerTransactions, e => e.TransactionId, t => t.Id, (e, t) => new { e.TransactionId, e.Amount, e.Currency, e.Reason, e.RecordedAt, t.Kind, t.PaymentId })
            .ToListAsync(cancellationToken);
        var paymentIds = entries.Select(e => e.PaymentId).Distinct().ToList();
        var references = await db.Payments.AsNoTracking()
            .Where(p => paymentIds.Contains(p.Id))
            .Select(p => new { p.Id, p.ProviderReference })
            .ToDictionaryAsync(p => p.Id, p => p.ProviderReference, cancellationToken);
        return entries
            .GroupBy(e => (e.TransactionId, IsFee: e.Reason == Fee, e.Currency))
            .Select(g =>
            {
                var first = g.First();
                return new Movement(
                    g.Key.IsFee ? Fee : KindOfLedgerKind(first.Kind),
                    references.GetValueOrDefault(first.PaymentId),
                    g.Key.Currency,
                    g.Sum(e => e.Amount),
                    g.Min(e => e.RecordedAt),
                    null,
                    g.Key.TransactionId);
            })
            .ToList();
    }

    private static string KindOfProviderType(string type) => type switch
    {
        "charge" or "payment" => Capture,
        "refund" or "payment_refund" => Refund,
        Transfer => Transfer,
        "transfer_refund" or "transfer_cancel" or "transfer_failure" => Reversal,
        "stripe_fee" or "tax_fee" => Fee,

        // A dispute's withdrawal and reinstatement; the platform makes no other adjustments.
        "adjustment" => Dispute,
        _ => type,
    };

    private static string KindOfLedgerKind(string kind) => kind switch
    {
        Capture => Capture,
        Refund => Refund,
        Transfer or "payout" => Transfer,
        Reversal or "transfer_reversal" or "payout_reversal" => Reversal,
        Fee => Fee,
        _ => kind,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation found {Differences} differences between {Provider} and the ledger from {From} to {To}")]
    private partial void LogDifferences(int differences, string provider, DateTimeOffset from, DateTimeOffset to);
}
