using System.Security.Cryptography;
using System.Text;
using Marketplace.Platform;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Providers.Sandbox;

/// <summary>The sandbox provider's settings (<c>Payments:Sandbox</c>).</summary>
internal sealed class SandboxOptions
{
    /// <summary>
    /// Base64 of the key the sandbox derives client secrets from, the same on every replica that shares a database.
    /// When unset, each process draws its own, which is enough for one process (Development, tests, a demo).
    /// </summary>
    public string? SecretKey { get; set; }
}

/// <summary>What the customer did with a required action (the sandbox's confirmation page asks).</summary>
internal enum ActionChoice
{
    Complete,
    Fail,
}

/// <summary>
/// A provider with Stripe's test-card semantics and no outside server, for the embedded profile, Development and tests.
/// It keeps no state: the outcome follows from the payment method id, its references from our payment id, and a
/// payment's client secret is derived from its reference with a key, so it can be given again after a lost answer
/// (as Stripe returns a PaymentIntent's secret on every read) while the payments table holds only its hash.
/// </summary>
internal sealed class SandboxProvider : IPaymentProvider
{
    public const string ActionType = "use_sandbox_confirmation";
    private const string ReferencePrefix = "pi_sandbox_";

    private readonly byte[] _secretKey;

    public SandboxProvider(IOptions<SandboxOptions> options)
    {
        _secretKey = string.IsNullOrWhiteSpace(options.Value.SecretKey)
            ? RandomNumberGenerator.GetBytes(32)
            : Convert.FromBase64String(options.Value.SecretKey);
    }

    public string Name => PaymentsOptions.Sandbox;

    public static string ConfirmationPath(Guid paymentId) => $"/api/v1/payments/sandbox/{paymentId}/confirm";

    public Task<ProviderAnswer> AuthorizeAsync(ProviderAuthorization request, CancellationToken cancellationToken)
    {
        var reference = ReferenceOf(request.PaymentId);
        var card = SandboxCards.Find(request.PaymentMethodId);
        var answer = card.Behaviour switch
        {
            SandboxBehaviour.Authorizes => new ProviderAnswer(ProviderStatus.Authorized, reference),
            SandboxBehaviour.Declines => new ProviderAnswer(ProviderStatus.Declined, reference, card.DeclineCode, card.DeclineReason),
            _ => new ProviderAnswer(
                ProviderStatus.RequiresAction, reference, Action: new ProviderAction(ActionType, SecretOf(reference), ConfirmationPath(request.PaymentId))),
        };
        return Task.FromResult(answer);
    }

    /// <summary>
    /// The decision after the customer's action, as the sandbox's confirmation route reports it; <paramref name="choice"/>
    /// stands in for what the customer did at the bank. (With Stripe the customer acts through Stripe.js and the
    /// decision arrives by webhook, so this is the sandbox's own, not the port's.)
    /// </summary>
    public static Task<ProviderAnswer> ConfirmActionAsync(string providerReference, string paymentMethodId, ActionChoice choice, CancellationToken cancellationToken)
    {
        var card = SandboxCards.Find(paymentMethodId);
        var answer = choice == ActionChoice.Fail
            ? new ProviderAnswer(ProviderStatus.Declined, providerReference, SandboxCards.AuthenticationFailedCode, SandboxCards.AuthenticationFailedReason)
            : card.Behaviour == SandboxBehaviour.RequiresActionThenDeclines
                ? new ProviderAnswer(ProviderStatus.Declined, providerReference, card.DeclineCode, card.DeclineReason)
                : new ProviderAnswer(ProviderStatus.Authorized, providerReference);
        return Task.FromResult(answer);
    }

    public Task<ProviderAction> PendingActionAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken) =>
        Task.FromResult(new ProviderAction(ActionType, SecretOf(providerReference), ConfirmationPath(paymentId)));

    /// <summary>The sandbox holds no money, so there is nothing to release beyond the payment's own state.</summary>
    public Task VoidAsync(Guid paymentId, string providerReference, CancellationToken cancellationToken)
    {
        EnsureMade(providerReference);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the amount as asked. The sandbox keeps no state, so what an authorisation holds and what is left to refund
    /// are kept by Payments' own books, not checked here; Stripe checks them too.
    /// </summary>
    public Task<ProviderCapture> CaptureAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        EnsureMade(providerReference);
        EnsurePositive(amount);
        return Task.FromResult(new ProviderCapture(providerReference, amount));
    }

    /// <summary>The refund's id follows from its idempotency key, so a retry answers the same refund, as Stripe's replay does.</summary>
    public Task<ProviderRefund> RefundAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        EnsureMade(providerReference);
        EnsurePositive(amount);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{providerReference}/{idempotencyKey}")))[..24];
        return Task.FromResult(new ProviderRefund($"re_sandbox_{id}", amount));
    }

    private static void EnsureMade(string providerReference)
    {
        if (!providerReference.StartsWith(ReferencePrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The sandbox did not make payment {providerReference}.");
        }
    }

    private static void EnsurePositive(Money amount)
    {
        if (amount.Amount <= 0m)
        {
            throw new ProviderRefusedException("amount_too_small", $"The amount must be above zero, not {amount}.");
        }
    }

    private static string ReferenceOf(Guid paymentId) => $"{ReferencePrefix}{paymentId:N}";

    /// <summary>Shaped like Stripe's: the PaymentIntent's id, <c>_secret_</c>, then random-looking characters.</summary>
    private string SecretOf(string providerReference) =>
        $"{providerReference}_secret_{Convert.ToHexStringLower(HMACSHA256.HashData(_secretKey, Encoding.UTF8.GetBytes(providerReference)))}";
}
