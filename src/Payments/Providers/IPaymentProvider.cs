using Marketplace.Platform;

namespace Marketplace.Payments.Providers;

/// <summary>
/// A payment provider: the sandbox here, Stripe's PaymentIntents with manual capture later. Every call is keyed by
/// our own ids, so a retry after a lost answer gets the same answer and never authorises twice.
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

    /// <summary>The decision after the customer's action; <paramref name="choice"/> is the sandbox's stand-in for what the customer did.</summary>
    Task<ProviderAnswer> ConfirmActionAsync(string providerReference, string paymentMethodId, ActionChoice choice, CancellationToken cancellationToken);

    /// <summary>The action a payment waits for, with its client secret, read again from the provider (the secret is not stored here).</summary>
    Task<ProviderAction> PendingActionAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken);

    /// <summary>Releases an authorisation or abandons a pending action (Stripe: cancel the PaymentIntent); repeating it is harmless.</summary>
    Task VoidAsync(string providerReference, CancellationToken cancellationToken);
}

/// <summary>What the provider is asked to authorise.</summary>
internal sealed record ProviderAuthorization(Guid PaymentId, Guid Reference, Money Amount, string PaymentMethodId, string CustomerEmail);

internal enum ProviderStatus
{
    Authorized,
    Declined,
    RequiresAction,
}

/// <summary>What the customer did with a required action (the sandbox's confirmation page asks).</summary>
internal enum ActionChoice
{
    Complete,
    Fail,
}

/// <summary>The action the customer must complete, as the provider describes it.</summary>
internal sealed record ProviderAction(string Type, string ClientSecret, string? ConfirmationPath);

/// <summary>The provider's answer.</summary>
internal sealed record ProviderAnswer(
    ProviderStatus Status, string ProviderReference, string? DeclineCode = null, string? DeclineReason = null, ProviderAction? Action = null);
