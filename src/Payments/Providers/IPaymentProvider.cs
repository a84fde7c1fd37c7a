using Marketplace.Payments.Contracts;
using Marketplace.Platform;

namespace Marketplace.Payments.Providers;

/// <summary>
/// A payment provider: the sandbox, or Stripe's PaymentIntents with manual capture. Every call that moves money is
/// keyed by our own ids, so a retry after a lost answer gets the same answer and never authorises, captures or
/// refunds twice.
/// </summary>
internal interface IPaymentProvider
{
    /// <summary>The provider's name, as <c>Payments:Provider</c> selects it and the payments table records it.</summary>
    string Name { get; }

    /// <summary>
    /// Authorises the amount without capturing it. <see cref="ProviderAuthorization.PaymentId"/> is the idempotency
    /// key: the same payment asked twice answers the same.
    /// </summary>
    Task<ProviderAnswer> AuthorizeAsync(ProviderAuthorization request, CancellationToken cancellationToken);

    /// <summary>The action a payment waits for, with its client secret, read again from the provider (the secret is not stored here).</summary>
    Task<ProviderAction> PendingActionAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken);

    /// <summary>Releases an authorisation or abandons a pending action (Stripe: cancel the PaymentIntent); repeating it is harmless.</summary>
    Task VoidAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken);

    /// <summary>
    /// Captures <paramref name="amount"/> of an authorisation (at most what it holds); the rest is released. The same
    /// <paramref name="idempotencyKey"/> answers the same capture again.
    /// </summary>
    /// <exception cref="ProviderRefusedException">The provider refused: nothing is held, or the amount is above what is.</exception>
    Task<ProviderCapture> CaptureAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back <paramref name="amount"/> of what was captured. The same <paramref name="idempotencyKey"/> answers the
    /// same refund again, so a retry never refunds twice.
    /// </summary>
    /// <exception cref="ProviderRefusedException">The provider refused: nothing captured, or the amount is above what is left.</exception>
    Task<ProviderRefund> RefundAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Every movement of the platform's balance at the provider created at or after <paramref name="since"/> (Stripe:
    /// balance transactions, all pages), for reconciliation against the ledger.
    /// </summary>
    Task<IReadOnlyList<ProviderBalanceTransaction>> BalanceTransactionsAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the seller's connected account (Stripe: an Express account with the transfers capability), keyed by the
    /// seller, so that a repeat answers the same account.
    /// </summary>
    Task<ProviderSellerAccount> CreateSellerAccountAsync(Guid sellerId, string? country, string? email, CancellationToken cancellationToken);

    /// <summary>A link the seller follows to finish onboarding (Stripe: an account link of type <c>account_onboarding</c>, single use).</summary>
    Task<string> OnboardingLinkAsync(string accountId, string refreshUrl, string returnUrl, CancellationToken cancellationToken);

    /// <summary>The seller's account as the provider has it now.</summary>
    Task<ProviderSellerAccount> ReadSellerAccountAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves money from the platform's balance to a seller's account. The request's idempotency key answers the same
    /// transfer again, so a retried payout never pays twice.
    /// </summary>
    /// <exception cref="ProviderRefusedException">The provider refused: the account cannot take transfers, or the source does not cover the amount.</exception>
    Task<ProviderTransfer> TransferAsync(ProviderTransferInstruction request, CancellationToken cancellationToken);

    /// <summary>
    /// A dispute (chargeback) of a payment's charge as the provider has it now (Stripe: <c>GET /v1/disputes/{id}</c>),
    /// with the balance transactions that moved money for it; null when the provider has no such dispute.
    /// </summary>
    Task<ProviderDispute?> ReadDisputeAsync(string disputeId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="amount"/> of a transfer back from the seller's account to the platform's balance (Stripe: a
    /// transfer reversal, whose balance transaction is a <c>transfer_refund</c>). The same <paramref name="idempotencyKey"/>
    /// answers the same reversal again, so a retry never takes the money back twice.
    /// </summary>
    /// <exception cref="ProviderRefusedException">The provider refused: no such transfer, or the amount is above what is left of it.</exception>
    Task<ProviderReversal> ReverseTransferAsync(string transferReference, Money amount, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>Where a dispute stands, as our books need it: open (the order group's payouts freeze), won, or lost.</summary>
internal enum ProviderDisputeOutcome
{
    Open,
    Won,
    Lost,
}

/// <summary>A dispute as the provider has it now.</summary>
/// <param name="Id">The provider's id (Stripe: <c>dp_…</c>).</param>
/// <param name="PaymentReference">The disputed payment (Stripe: the PaymentIntent of the disputed charge).</param>
/// <param name="AmountMinor">The disputed amount: what a lost dispute takes.</param>
/// <param name="Currency">ISO 4217 code, upper case.</param>
/// <param name="Status">The provider's own status (Stripe: <c>needs_response</c>, <c>under_review</c>, <c>won</c>, <c>lost</c>…).</param>
/// <param name="Reason">The provider's reason (Stripe: <c>fraudulent</c>, <c>product_not_received</c>…).</param>
/// <param name="Movements">The dispute's movements of the platform's balance: the withdrawal, a reinstatement when won.</param>
internal sealed record ProviderDispute(
    string Id, string? PaymentReference, long AmountMinor, string Currency, string Status, string Reason, IReadOnlyList<ProviderDisputeMovement> Movements)
{
    /// <summary>
    /// Stripe's statuses in our terms: <c>won</c>, <c>warning_closed</c> (an inquiry that never became a chargeback) and
    /// <c>prevented</c> release the money; <c>lost</c> keeps it gone; anything else is still open.
    /// </summary>
    public ProviderDisputeOutcome Outcome => Status switch
    {
        "won" or "warning_closed" or "prevented" => ProviderDisputeOutcome.Won,
        "lost" => ProviderDisputeOutcome.Lost,
        _ => ProviderDisputeOutcome.Open,
    };
}

/// <summary>One balance transaction of a dispute, in minor units: negative for the withdrawal, positive for a reinstatement; the fee apart.</summary>
internal sealed record ProviderDisputeMovement(string Id, long AmountMinor, long FeeMinor, DateTimeOffset CreatedAt);

/// <summary>
/// One movement of the platform's balance at the provider, in minor units: positive when money arrived (a charge, a
/// transfer reversed), negative when it left (a refund, a transfer, a fee).
/// </summary>
/// <param name="Id">The provider's id for it (Stripe: <c>txn_…</c>).</param>
/// <param name="Type">The provider's type: <c>charge</c>, <c>payment</c>, <c>refund</c>, <c>transfer</c>, <c>transfer_refund</c>…</param>
/// <param name="AmountMinor">The gross amount moved.</param>
/// <param name="FeeMinor">What the provider kept of it (Stripe's <c>fee</c>), 0 when none.</param>
/// <param name="Currency">ISO 4217 code, upper case.</param>
/// <param name="PaymentReference">The payment it belongs to (Stripe: the PaymentIntent of its charge or refund), when the provider says.</param>
/// <param name="SourceId">What made it (a charge, refund or transfer id).</param>
/// <param name="CreatedAt">When the provider recorded it.</param>
internal sealed record ProviderBalanceTransaction(
    string Id, string Type, long AmountMinor, long FeeMinor, string Currency, string? PaymentReference, string? SourceId, DateTimeOffset CreatedAt);

/// <summary>A seller's connected account and what the provider says it can do.</summary>
internal sealed record ProviderSellerAccount(string AccountId, bool ChargesEnabled, bool PayoutsEnabled, bool TransfersActive, IReadOnlyList<string> RequirementsDue)
{
    /// <summary>Transfers to it are accepted and reach the seller's bank.</summary>
    public bool Ready => PayoutsEnabled && TransfersActive;
}

/// <summary>A transfer to make: to <paramref name="Destination"/>, grouped with its checkout, funded by the checkout's charge.</summary>
internal sealed record ProviderTransferInstruction(Money Amount, string Destination, Guid TransferGroup, string? SourceTransaction, Guid SellerOrderId, string IdempotencyKey);

/// <summary>A transfer made, under the provider's id for it.</summary>
internal sealed record ProviderTransfer(string TransferReference, Money Amount);

/// <summary>Part of a transfer taken back, under the provider's id for it (Stripe: <c>trr_…</c>).</summary>
internal sealed record ProviderReversal(string ReversalReference, Money Amount);

/// <summary>What the provider is asked to authorise.</summary>
internal sealed record ProviderAuthorization(Guid PaymentId, Guid Reference, Money Amount, string PaymentMethodId, string CustomerEmail);

internal enum ProviderStatus
{
    Authorized,
    Declined,
    RequiresAction,

    /// <summary>Canceled at the provider; only a re-read of a payment (a Stripe webhook) answers it.</summary>
    Canceled,

    /// <summary>The provider let the authorisation lapse uncaptured (Stripe: canceled with reason <c>automatic</c>); only a re-read answers it.</summary>
    Lapsed,
}

/// <summary>The action the customer must complete, as the provider describes it.</summary>
internal sealed record ProviderAction(string Type, string ClientSecret, string? ConfirmationPath);

/// <summary>
/// The provider's answer. <see cref="ProviderReference"/> is null only when the provider refused before making
/// anything (Stripe: an unknown payment method). <see cref="CaptureBefore"/> is when an authorisation lapses, when the
/// provider says.
/// </summary>
internal sealed record ProviderAnswer(
    ProviderStatus Status,
    string? ProviderReference,
    string? DeclineCode = null,
    string? DeclineReason = null,
    ProviderAction? Action = null,
    DateTimeOffset? CaptureBefore = null,
    PaymentCancelReason? CancelReason = null);

/// <summary>A capture: the amount now taken from the customer, and the charge that took it (the source of the sellers' transfers).</summary>
internal sealed record ProviderCapture(string ProviderReference, Money Captured, string? ChargeReference = null);

/// <summary>A refund, under the provider's own id for it.</summary>
internal sealed record ProviderRefund(string RefundReference, Money Refunded);

/// <summary>The provider refused a capture or a refund for a reason that retrying does not change.</summary>
internal sealed class ProviderRefusedException(string code, string message) : Exception(message)
{
    /// <summary>The provider's error code (Stripe: <c>amount_too_large</c>, <c>payment_intent_unexpected_state</c>…).</summary>
    public string Code { get; } = code;
}
