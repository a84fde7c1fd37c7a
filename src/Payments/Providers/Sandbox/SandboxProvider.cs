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

    /// <summary>
    /// How long an authorisation holds before it lapses uncaptured (the <c>capture_before</c> the sandbox reports), as
    /// Stripe's card authorisations do: seven days by default.
    /// </summary>
    public TimeSpan AuthorizationValidity { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>What the customer did with a required action (the sandbox's confirmation page asks).</summary>
internal enum ActionChoice
{
    Complete,
    Fail,
}

/// <summary>
/// A provider with Stripe's test-card semantics and no outside server, for the embedded profile, Development and tests.
/// It keeps no state of its payments: the outcome follows from the payment method id, its references from our payment
/// id, and a payment's client secret is derived from its reference with a key, so it can be given again after a lost
/// answer (as Stripe returns a PaymentIntent's secret on every read) while the payments table holds only its hash. Its
/// balance it does keep (<see cref="SandboxBalance"/>), so that reconciliation has a provider's side to hold the ledger to.
/// </summary>
internal sealed class SandboxProvider : IPaymentProvider
{
    public const string ActionType = "use_sandbox_confirmation";
    private const string ReferencePrefix = "pi_sandbox_";
    private const string ChargePrefix = "ch_sandbox_";
    private const string AccountPrefix = "acct_sandbox_";

    private readonly byte[] _secretKey;
    private readonly TimeSpan _validity;
    private readonly TimeProvider _clock;
    private readonly SandboxBalance _balance;

    public SandboxProvider(IOptions<SandboxOptions> options, TimeProvider clock, SandboxBalance balance)
    {
        _balance = balance;
        _validity = options.Value.AuthorizationValidity;
        _clock = clock;
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
            SandboxBehaviour.Authorizes => Authorized(reference),
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
    public Task<ProviderAnswer> ConfirmActionAsync(string providerReference, string paymentMethodId, ActionChoice choice, CancellationToken cancellationToken)
    {
        var card = SandboxCards.Find(paymentMethodId);
        var answer = choice == ActionChoice.Fail
            ? new ProviderAnswer(ProviderStatus.Declined, providerReference, SandboxCards.AuthenticationFailedCode, SandboxCards.AuthenticationFailedReason)
            : card.Behaviour == SandboxBehaviour.RequiresActionThenDeclines
                ? new ProviderAnswer(ProviderStatus.Declined, providerReference, card.DeclineCode, card.DeclineReason)
                : Authorized(providerReference);
        return Task.FromResult(answer);
    }

    private ProviderAnswer Authorized(string reference) =>
        new(ProviderStatus.Authorized, reference, CaptureBefore: _clock.GetUtcNow() + _validity);

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
    public async Task<ProviderCapture> CaptureAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        EnsureMade(providerReference);
        EnsurePositive(amount);
        await _balance.RecordAsync(
            SandboxBalance.Charge, idempotencyKey, providerReference, providerReference, SandboxBalance.Minor(amount), amount.Currency, cancellationToken);
        return new ProviderCapture(providerReference, amount, $"{ChargePrefix}{providerReference[ReferencePrefix.Length..]}");
    }

    /// <summary>The refund's id follows from its idempotency key, so a retry answers the same refund, as Stripe's replay does.</summary>
    public async Task<ProviderRefund> RefundAsync(string providerReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        EnsureMade(providerReference);
        EnsurePositive(amount);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{providerReference}/{idempotencyKey}")))[..24];
        var refund = new ProviderRefund($"re_sandbox_{id}", amount);
        await _balance.RecordAsync(
            SandboxBalance.Refund, idempotencyKey, providerReference, refund.RefundReference, -SandboxBalance.Minor(amount), amount.Currency, cancellationToken);
        return refund;
    }

    public Task<IReadOnlyList<ProviderBalanceTransaction>> BalanceTransactionsAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        _balance.SinceAsync(since, cancellationToken);

    /// <summary>
    /// The sandbox's "seller account": it follows from the seller's id and is ready at once, so the whole money flow
    /// runs with no onboarding to play.
    /// </summary>
    public Task<ProviderSellerAccount> CreateSellerAccountAsync(Guid sellerId, string? country, string? email, CancellationToken cancellationToken) =>
        Task.FromResult(ReadyAccount($"{AccountPrefix}{sellerId:N}"));

    /// <summary>Nothing to fill in: the link leads straight back to where the seller came from.</summary>
    public Task<string> OnboardingLinkAsync(string accountId, string refreshUrl, string returnUrl, CancellationToken cancellationToken)
    {
        EnsureAccount(accountId);
        return Task.FromResult(returnUrl);
    }

    public Task<ProviderSellerAccount> ReadSellerAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        EnsureAccount(accountId);
        return Task.FromResult(ReadyAccount(accountId));
    }

    /// <summary>The transfer's id follows from its idempotency key, so a retry answers the same transfer, as Stripe's replay does.</summary>
    public async Task<ProviderTransfer> TransferAsync(ProviderTransferInstruction request, CancellationToken cancellationToken)
    {
        EnsureAccount(request.Destination);
        EnsurePositive(request.Amount);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Destination}/{request.IdempotencyKey}")))[..24];
        var transfer = new ProviderTransfer($"tr_sandbox_{id}", request.Amount);

        // Money leaves the platform's balance, as a Stripe transfer's balance transaction shows it: reconciliation pairs it with the ledger's payout.
        await _balance.RecordAsync(
            SandboxBalance.Transfer, request.IdempotencyKey, request.SourceTransaction ?? "", transfer.TransferReference, -SandboxBalance.Minor(request.Amount),
            request.Amount.Currency, cancellationToken);
        return transfer;
    }

    /// <summary>A dispute the sandbox plays (opened and decided through its admin routes), as it stands now.</summary>
    public Task<ProviderDispute?> ReadDisputeAsync(string disputeId, CancellationToken cancellationToken) => _balance.ReadDisputeAsync(disputeId, cancellationToken);

    /// <summary>
    /// As Stripe: at most what is left of the transfer, and a retry under the same key answers the same reversal (even
    /// when nothing is left of the transfer by then). The reversal's id follows from its key.
    /// </summary>
    public async Task<ProviderReversal> ReverseTransferAsync(string transferReference, Money amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        EnsurePositive(amount);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{transferReference}/{idempotencyKey}")))[..24];
        var reversal = new ProviderReversal($"trr_sandbox_{id}", amount);
        if (await _balance.FindAsync(SandboxBalance.TransferReversal, idempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier.AmountMinor == SandboxBalance.Minor(amount) && earlier.PaymentReference == transferReference
                ? reversal
                : throw new ProviderRefusedException("idempotency_error", $"The key {idempotencyKey} was used for another reversal.");
        }

        if (await _balance.TransferLeftAsync(transferReference, cancellationToken) is not { } left)
        {
            throw new ProviderRefusedException("resource_missing", $"The sandbox made no transfer {transferReference}.");
        }

        if (!string.Equals(left.Currency, Currencies.Normalize(amount.Currency), StringComparison.Ordinal) || SandboxBalance.Minor(amount) > left.Left)
        {
            throw new ProviderRefusedException("amount_too_large", $"Only {left.Left} {left.Currency} (minor units) of transfer {transferReference} is left to reverse, not {amount}.");
        }

        // Money comes back to the platform's balance, as a Stripe reversal's transfer_refund balance transaction shows it.
        await _balance.RecordAsync(
            SandboxBalance.TransferReversal, idempotencyKey, transferReference, reversal.ReversalReference, SandboxBalance.Minor(amount), amount.Currency, cancellationToken);
        return reversal;
    }

    private static ProviderSellerAccount ReadyAccount(string accountId) => new(accountId, ChargesEnabled: true, PayoutsEnabled: true, TransfersActive: true, []);

    private static void EnsureAccount(string accountId)
    {
        if (!accountId.StartsWith(AccountPrefix, StringComparison.Ordinal))
        {
            throw new ProviderRefusedException("resource_missing", $"The sandbox did not make account {accountId}.");
        }
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
