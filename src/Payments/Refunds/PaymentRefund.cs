namespace Marketplace.Payments.Refunds;

internal enum PaymentRefundStatus
{
    /// <summary>Its amount is reserved against the order's captured share; the provider has not confirmed it yet.</summary>
    Pending,

    /// <summary>The provider gave the money back; the ledger has it.</summary>
    Refunded,

    /// <summary>The provider refused; the reserved amount was freed again.</summary>
    Refused,
}

/// <summary>
/// One refund of a seller order's captured share, under the caller's id. Written with the move of the order's refunded
/// total (<see cref="Escrow.EscrowOrder.RefundedMinor"/>) in one transaction, with the split between the seller and the
/// commission decided then, so that a refund carried on after a crash books the same amounts.
/// </summary>
internal sealed class PaymentRefund
{
    public const int MaxReasonLength = 300;
    public const int MaxProviderReferenceLength = 100;

    public Guid Id { get; init; }

    public Guid PaymentId { get; init; }

    public Guid OrderGroupId { get; init; }

    public Guid OrderId { get; init; }

    public Guid SellerId { get; init; }

    public string OrderNumber { get; init; } = "";

    public long AmountMinor { get; init; }

    /// <summary>The part taken back from the seller's payable.</summary>
    public long SellerMinor { get; init; }

    /// <summary>The part of the platform's commission given back, in proportion to the order's captured share.</summary>
    public long CommissionMinor { get; init; }

    public string Currency { get; init; } = "";

    /// <summary>
    /// The seller's part (<see cref="SellerMinor"/>) when the order's payout amount was already fixed as this refund was
    /// reserved, so it is taken back from the seller's transfer; 0 when the payout, not yet fixed, leaves it out.
    /// </summary>
    public long ReversalMinor { get; init; }

    /// <summary>The provider's id of the transfer reversal (Stripe: <c>trr_…</c>), once made.</summary>
    public string? ReversalReference { get; set; }

    /// <summary>
    /// How many times the provider refused the reversal. A refusal is final (nothing was taken back), and Stripe answers
    /// a retry under the same key with the same refusal for a day; so each attempt after one asks under a key of its own
    /// (<see cref="ReversalKeyOf"/>).
    /// </summary>
    public int ReversalAttempt { get; set; }

    /// <summary>When the reversal was made and booked; null while one is owed (<see cref="ReversalMinor"/> above 0).</summary>
    public DateTimeOffset? ReversedAt { get; set; }

    public string? Reason { get; init; }

    /// <summary>True when the order's cancellation after its capture asked for it.</summary>
    public bool ForCancellation { get; init; }

    public PaymentRefundStatus Status { get; set; }

    public string? ProviderReference { get; set; }

    public string? ProviderCode { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Until when one replica's <see cref="PendingRefundSweeper"/> holds the refund to carry it on (a lease).</summary>
    public DateTimeOffset? RetryClaimedUntil { get; set; }

    /// <summary>Concurrency token: a pending refund is finished once, however many callers carry it on.</summary>
    public int Version { get; set; }

    /// <summary>The provider's idempotency key, from our own refund id.</summary>
    public string ProviderKey => $"refund:{Id}";

    /// <summary>The provider's idempotency key of the transfer reversal, from our own refund id.</summary>
    public string ReversalKey => ReversalKeyOf(Id, ReversalAttempt);

    /// <summary>The provider's idempotency key of the refund's reversal after <paramref name="refusals"/> refusals.</summary>
    public static string ReversalKeyOf(Guid refundId, int refusals = 0) =>
        refusals == 0 ? $"reversal:{refundId}" : $"reversal:{refundId}:retry-{refusals}";
}
