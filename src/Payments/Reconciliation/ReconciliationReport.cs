namespace Marketplace.Payments.Reconciliation;

/// <summary>One run of the reconciliation, kept so that the last one can be read.</summary>
internal sealed class ReconciliationRun
{
    public Guid Id { get; init; }

    public required string Provider { get; init; }

    public DateTimeOffset RanAt { get; init; }

    public DateTimeOffset From { get; init; }

    public DateTimeOffset To { get; init; }

    public int ProviderTransactions { get; init; }

    public int LedgerTransactions { get; init; }

    public int Matched { get; init; }

    public int DifferenceCount { get; init; }

    /// <summary>The differences (at most <c>Payments:MaxReportedDifferences</c>), as the report's JSON writes them.</summary>
    public required string Differences { get; init; }
}

/// <summary>One thing the provider's balance and the ledger disagree on.</summary>
/// <param name="Problem"><c>missing_in_ledger</c> (the provider moved money the ledger never booked), <c>missing_at_provider</c> (the ledger booked a movement the provider does not have), or <c>amount_mismatch</c>.</param>
/// <param name="Kind">What moved: <c>capture</c>, <c>refund</c>, <c>transfer</c>, <c>reversal</c>, <c>fee</c>, or the provider's or ledger's own name for anything else.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="ProviderAmount">The provider's amount (positive into the balance, negative out of it), or null when it has none.</param>
/// <param name="LedgerAmount">The ledger's amount on the provider's account, the same way round, or null when it has none.</param>
/// <param name="ProviderTransactionId">The provider's balance transaction (Stripe: <c>txn_…</c>).</param>
/// <param name="LedgerTransactionId">The ledger transaction.</param>
/// <param name="PaymentReference">The provider's payment (Stripe: the PaymentIntent), when known.</param>
/// <param name="At">When the earlier side recorded it.</param>
public sealed record ReconciliationDifference(
    string Problem,
    string Kind,
    string Currency,
    decimal? ProviderAmount,
    decimal? LedgerAmount,
    string? ProviderTransactionId,
    Guid? LedgerTransactionId,
    string? PaymentReference,
    DateTimeOffset At);

/// <summary>
/// A reconciliation of the provider's balance transactions with the ledger's entries on the provider's account, over a
/// window of time; every movement on one side is paired with one on the other (same kind, payment and currency; equal
/// amounts first), and every one left over, or paired with another amount, is a difference.
/// </summary>
/// <param name="Id">The run.</param>
/// <param name="Provider">The provider reconciled: <c>sandbox</c> or <c>stripe</c>.</param>
/// <param name="RanAt">When it ran.</param>
/// <param name="From">The window's start.</param>
/// <param name="To">The window's end: <c>Payments:ReconciliationSettleDelay</c> before the run, so that a movement the other side is still booking is not reported.</param>
/// <param name="ProviderTransactions">Movements read from the provider.</param>
/// <param name="LedgerTransactions">Movements read from the ledger.</param>
/// <param name="Matched">Pairs that agree.</param>
/// <param name="DifferenceCount">Every difference found; <paramref name="Differences"/> lists at most <c>Payments:MaxReportedDifferences</c> of them.</param>
/// <param name="Differences">The differences, oldest first.</param>
public sealed record ReconciliationReportResponse(
    Guid Id,
    string Provider,
    DateTimeOffset RanAt,
    DateTimeOffset From,
    DateTimeOffset To,
    int ProviderTransactions,
    int LedgerTransactions,
    int Matched,
    int DifferenceCount,
    IReadOnlyList<ReconciliationDifference> Differences);
