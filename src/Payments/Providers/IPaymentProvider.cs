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
}

/// <summary>What the provider is asked to authorise.</summary>
internal sealed record ProviderAuthorization(Guid PaymentId, Guid Reference, Money Amount, string PaymentMethodId, string CustomerEmail);

internal enum ProviderStatus
{
    Authorized,
    Declined,
    RequiresAction,

    /// <summary>Canceled at the provider; only a re-read of a payment (a Stripe webhook) answers it.</summary>
    Canceled,
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

/// <summary>A capture: the amount now taken from the customer.</summary>
internal sealed record ProviderCapture(string ProviderReference, Money Captured);

/// <summary>A refund, under the provider's own id for it.</summary>
internal sealed record ProviderRefund(string RefundReference, Money Refunded);

/// <summary>The provider refused a capture or a refund for a reason that retrying does not change.</summary>
internal sealed class ProviderRefusedException(string code, string message) : Exception(message)
{
    /// <summary>The provider's error code (Stripe: <c>amount_too_large</c>, <c>payment_intent_unexpected_state</c>…).</summary>
    public string Code { get; } = code;
}
