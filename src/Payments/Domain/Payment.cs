using System.Security.Cryptography;
using System.Text;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Providers;
using Marketplace.Platform;

namespace Marketplace.Payments.Domain;

/// <summary>
/// One payment per order group, and the rules of its states. Each transition returns the integration event it
/// publishes, or null when it does not apply to the state the payment is in; the caller saves the change and the event
/// together under the payment's version, so that of two racing transitions exactly one takes effect.
/// </summary>
internal sealed class Payment
{
    public const int MaxEmailLength = 254;
    public const int MaxProviderReferenceLength = 100;
    public const int MaxDeclineCodeLength = 60;
    public const int MaxDeclineReasonLength = 300;

    private Payment()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The order group paid for; unique, so that a second payment for it cannot be written.</summary>
    public Guid Reference { get; private set; }

    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string Method { get; private set; } = "";

    public string CustomerEmail { get; private set; } = "";

    public PaymentStatus Status { get; private set; }

    public string Provider { get; private set; } = "";

    public string? ProviderReference { get; private set; }

    /// <summary>The provider's charge behind the capture (Stripe: <c>ch_…</c>): the source of each seller's transfer.</summary>
    public string? ChargeReference { get; private set; }

    public string? DeclineCode { get; private set; }

    public string? DeclineReason { get; private set; }

    public PaymentCancelReason? CancelReason { get; private set; }

    /// <summary>SHA-256 of the client secret of the required action; the secret itself is never stored.</summary>
    public byte[]? ClientSecretHash { get; private set; }

    public DateTimeOffset? ActionExpiresAt { get; private set; }

    /// <summary>When the provider lets the authorisation lapse if it is not captured (Stripe's <c>capture_before</c>), when it says.</summary>
    public DateTimeOffset? CaptureBefore { get; private set; }

    /// <summary>
    /// The amount the capture asks for once it is decided (<see cref="PaymentStatus.Capturing"/>), then the amount the
    /// provider took (<see cref="PaymentStatus.Captured"/>).
    /// </summary>
    public decimal? CapturedAmount { get; private set; }

    /// <summary>When the capture was decided: a capture that has not settled by a provider timeout after it is resumed.</summary>
    public DateTimeOffset? CaptureDecidedAt { get; private set; }

    /// <summary>Until when one replica's capture scheduler holds the payment (a lease, not a state: it changes no version).</summary>
    public DateTimeOffset? CaptureClaimedUntil { get; private set; }

    /// <summary>Concurrency token: every transition writes only if the version it read is still current.</summary>
    public int Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public Money Total => new(Amount, Currency);

    public Money? Captured => CapturedAmount is { } captured ? new Money(captured, Currency) : null;

    /// <summary>The provider's idempotency key of this payment's one capture: a resumed capture repeats it, so it never captures twice.</summary>
    public string CaptureKey => $"capture:{Id}";

    public static Payment Start(AuthorizePayment request, string provider, DateTimeOffset at)
    {
        var now = Stored(at);
        return new Payment
        {
            Id = Guid.CreateVersion7(now),
            Reference = request.OrderGroupId,
            Amount = request.Amount.Amount,
            Currency = Currencies.Normalize(request.Amount.Currency),
            Method = request.PaymentMethodId,
            CustomerEmail = request.CustomerEmail.Trim(),
            Status = PaymentStatus.Authorizing,
            Provider = provider,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Whether a repeat of an authorisation asks for this very payment.</summary>
    public bool IsSameRequest(AuthorizePayment request) =>
        Amount == request.Amount.Amount
        && string.Equals(Currency, request.Amount.Currency, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Method, request.PaymentMethodId, StringComparison.Ordinal);

    /// <summary>An authorisation with no answer from the provider for longer than it may take: a crash left it.</summary>
    public bool IsStalled(DateTimeOffset now, TimeSpan providerTimeout) =>
        Status == PaymentStatus.Authorizing && UpdatedAt + providerTimeout <= now;

    public bool OpensWith(string clientSecret) =>
        ClientSecretHash is { } stored && CryptographicOperations.FixedTimeEquals(stored, HashOf(clientSecret));

    /// <summary>The provider's first answer: authorised, declined, or an action the customer must complete.</summary>
    public object? Settle(ProviderAnswer answer, DateTimeOffset at, TimeSpan actionTimeout)
    {
        var now = Stored(at);
        if (Status != PaymentStatus.Authorizing)
        {
            return null;
        }

        ProviderReference = answer.ProviderReference;
        if (answer.Status == ProviderStatus.Canceled)
        {
            return Cancel(answer.CancelReason ?? PaymentCancelReason.Voided, now);
        }

        if (answer.Status == ProviderStatus.RequiresAction)
        {
            var action = answer.Action ?? throw new InvalidOperationException("The provider asked for an action without saying which.");
            ClientSecretHash = HashOf(action.ClientSecret);
            ActionExpiresAt = now + actionTimeout;
            Touch(PaymentStatus.RequiresAction, now);
            return new PaymentActionRequired(Id, Reference, Total, ActionExpiresAt.Value, now);
        }

        return Decide(answer, now);
    }

    /// <summary>
    /// The provider's decision after the customer's action. An action completed after its deadline counts as
    /// abandoned, whoever gets there first, so the deadline means the same to the client and to the sweeper.
    /// </summary>
    public object? CompleteAction(ProviderAnswer answer, DateTimeOffset at)
    {
        var now = Stored(at);
        if (Status != PaymentStatus.RequiresAction)
        {
            return null;
        }

        return IsActionExpired(now) ? Expire(now) : Decide(answer, now);
    }

    /// <summary>
    /// Brings the payment to where the provider says it now is (a Stripe webhook, after reading the PaymentIntent again):
    /// the first answer when the authorisation call has not recorded one yet, the outcome of the customer's action, or
    /// a cancellation made at the provider. What the provider says about a payment that is already decided changes
    /// nothing, so events that arrive late, twice or out of order cannot move it back.
    /// </summary>
    public object? Follow(ProviderAnswer answer, DateTimeOffset at, TimeSpan actionTimeout) => Status switch
    {
        PaymentStatus.Authorizing => Settle(answer, at, actionTimeout),
        PaymentStatus.RequiresAction => answer.Status switch
        {
            ProviderStatus.Authorized or ProviderStatus.Declined => CompleteAction(answer, at),
            ProviderStatus.Canceled => Cancel(answer.CancelReason ?? PaymentCancelReason.Voided, Stored(at)),
            _ => null,
        },
        PaymentStatus.Authorized or PaymentStatus.Capturing when answer.Status == ProviderStatus.Lapsed => Lapse(at, providerSaysLapsed: true),
        PaymentStatus.Authorized when answer.Status == ProviderStatus.Canceled => Cancel(answer.CancelReason ?? PaymentCancelReason.Voided, Stored(at)),
        _ => null,
    };

    public bool IsActionExpired(DateTimeOffset now) => Status == PaymentStatus.RequiresAction && ActionExpiresAt <= now;

    /// <summary>The required action was not completed in time.</summary>
    public object? Expire(DateTimeOffset at) =>
        IsActionExpired(at) ? Cancel(PaymentCancelReason.ActionAbandoned, Stored(at)) : null;

    /// <summary>The caller releases the hold, or abandons the action; a declined or canceled payment holds nothing.</summary>
    public object? Void(DateTimeOffset at) =>
        Status is PaymentStatus.Authorized or PaymentStatus.RequiresAction ? Cancel(PaymentCancelReason.Voided, Stored(at)) : null;

    /// <summary>
    /// Decides the capture: an authorised payment, and only one, moves to <see cref="PaymentStatus.Capturing"/> with the
    /// amount to take, before the provider is asked. Saved under the version, so of two deciders exactly one wins.
    /// </summary>
    /// <returns>False when the payment is not authorised (captured, capturing, voided or lapsed already).</returns>
    public bool DecideCapture(decimal amount, DateTimeOffset at)
    {
        if (Status != PaymentStatus.Authorized || amount <= 0m || amount > Amount)
        {
            return false;
        }

        var now = Stored(at);
        CapturedAmount = amount;
        CaptureDecidedAt = now;
        Touch(PaymentStatus.Capturing, now);
        return true;
    }

    /// <summary>The provider took <paramref name="captured"/>; the rest of the hold is released.</summary>
    public PaymentCaptured? CompleteCapture(Money captured, IReadOnlyList<Guid> orderIds, DateTimeOffset at, string? chargeReference = null)
    {
        if (Status != PaymentStatus.Capturing)
        {
            return null;
        }

        var now = Stored(at);
        CapturedAmount = captured.Amount;
        ChargeReference = chargeReference;
        Touch(PaymentStatus.Captured, now);
        return new PaymentCaptured(Id, Reference, Total, captured, orderIds, now);
    }

    /// <summary>
    /// The authorisation lapsed uncaptured: its <see cref="CaptureBefore"/> passed while it was still held, or the
    /// provider refused a capture because it had (Stripe cancels the intent with reason <c>automatic</c>).
    /// </summary>
    public PaymentAuthorizationLapsed? Lapse(DateTimeOffset at, bool providerSaysLapsed = false)
    {
        var now = Stored(at);
        if (Status is not (PaymentStatus.Authorized or PaymentStatus.Capturing) || (!providerSaysLapsed && !(CaptureBefore <= now)))
        {
            return null;
        }

        CapturedAmount = null;
        Touch(PaymentStatus.Lapsed, now);
        return new PaymentAuthorizationLapsed(Id, Reference, Total, CaptureBefore ?? now, now);
    }

    private object Decide(ProviderAnswer answer, DateTimeOffset now)
    {
        ActionExpiresAt = null;
        if (answer.Status == ProviderStatus.Authorized)
        {
            CaptureBefore = answer.CaptureBefore is { } lapses ? Stored(lapses) : null;
            Touch(PaymentStatus.Authorized, now);
            return new PaymentAuthorized(Id, Reference, Total, now);
        }

        DeclineCode = Truncate(answer.DeclineCode ?? "generic_decline", MaxDeclineCodeLength);
        DeclineReason = Truncate(answer.DeclineReason ?? "The payment was declined.", MaxDeclineReasonLength);
        Touch(PaymentStatus.Declined, now);
        return new PaymentFailed(Id, Reference, Total, DeclineCode, DeclineReason, now);
    }

    private PaymentCanceled Cancel(PaymentCancelReason reason, DateTimeOffset now)
    {
        CancelReason = reason;
        ActionExpiresAt = null;
        Touch(PaymentStatus.Canceled, now);
        return new PaymentCanceled(Id, Reference, Total, reason, now);
    }

    private void Touch(PaymentStatus status, DateTimeOffset now)
    {
        Status = status;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>
    /// To the microsecond, as PostgreSQL keeps time, so that the payment a call answers with is the one every later
    /// read returns.
    /// </summary>
    private static DateTimeOffset Stored(DateTimeOffset at) => new(at.Ticks - (at.Ticks % 10), at.Offset);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
