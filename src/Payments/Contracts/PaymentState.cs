using Marketplace.Platform;

namespace Marketplace.Payments.Contracts;

/// <summary>Where a payment stands. Its transitions are drawn in <c>docs/payments.md</c>.</summary>
public enum PaymentStatus
{
    /// <summary>Recorded, and the provider has not answered yet (a concurrent repeat sees this briefly).</summary>
    Authorizing,

    /// <summary>The customer must complete an action (3-D Secure) before the provider decides; see <see cref="PaymentState.NextAction"/>.</summary>
    RequiresAction,

    /// <summary>The amount is held on the customer's payment method, ready to capture.</summary>
    Authorized,

    /// <summary>The provider refused; <see cref="PaymentState.Decline"/> says why. Nothing is held.</summary>
    Declined,

    /// <summary>Released or abandoned; <see cref="PaymentState.CancelReason"/> says which. Nothing is held.</summary>
    Canceled,

    /// <summary>
    /// The capture is decided (<see cref="PaymentState.Captured"/> is the amount asked for) and is with the provider; it
    /// settles as <see cref="Captured"/> shortly, or, should the provider refuse because the authorisation lapsed, as
    /// <see cref="Lapsed"/>.
    /// </summary>
    Capturing,

    /// <summary>
    /// The accepted orders' total was taken from the customer (<see cref="PaymentState.Captured"/>); whatever else was
    /// held was released. See <see cref="PaymentCaptured"/>.
    /// </summary>
    Captured,

    /// <summary>
    /// The authorisation lapsed uncaptured (its <c>capture_before</c> passed): nothing was taken and nothing is held.
    /// See <see cref="PaymentAuthorizationLapsed"/>.
    /// </summary>
    Lapsed,
}

/// <summary>Why a payment was canceled (Stripe's <c>cancellation_reason</c> counterparts in brackets).</summary>
public enum PaymentCancelReason
{
    /// <summary>The caller released it through <see cref="IPayments.VoidAsync"/> (<c>requested_by_customer</c>).</summary>
    Voided,

    /// <summary>The customer did not complete the required action within <c>Payments:ActionTimeout</c> (<c>abandoned</c>).</summary>
    ActionAbandoned,
}

/// <summary>The provider's refusal.</summary>
/// <param name="Code">
/// The decline code, as Stripe names it (<c>generic_decline</c>, <c>insufficient_funds</c>, <c>expired_card</c>,
/// <c>payment_intent_authentication_failure</c>, <c>resource_missing</c> for an unknown payment method…).
/// </param>
/// <param name="Reason">The provider's message, fit to show the customer.</param>
public sealed record PaymentDecline(string Code, string Reason);

/// <summary>What the client must do before the provider decides.</summary>
/// <param name="Type">
/// How to do it: <c>use_sandbox_confirmation</c> (POST to <paramref name="ConfirmationPath"/> with the client secret,
/// choosing to complete or fail the step); with Stripe, <c>use_stripe_sdk</c> (hand the client secret to Stripe.js).
/// </param>
/// <param name="ClientSecret">
/// The secret that lets the payer's client, and nobody else, complete this payment's action. Hand it to the payer's
/// client only; it is never stored in clear.
/// </param>
/// <param name="ConfirmationPath">The sandbox's confirmation route for this payment; null with a real provider.</param>
/// <param name="ExpiresAt">When the payment is canceled (<see cref="PaymentCancelReason.ActionAbandoned"/>) if the action is not completed.</param>
public sealed record PaymentNextAction(string Type, string ClientSecret, string? ConfirmationPath, DateTimeOffset ExpiresAt);

/// <summary>A payment as it is now.</summary>
/// <param name="PaymentId">The payment's id.</param>
/// <param name="OrderGroupId">The order group it pays for (its reference).</param>
/// <param name="Amount">The amount authorised, or to be.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Decline">Why the provider refused; set when <paramref name="Status"/> is <see cref="PaymentStatus.Declined"/>.</param>
/// <param name="NextAction">What the client must do; set when <paramref name="Status"/> is <see cref="PaymentStatus.RequiresAction"/>.</param>
/// <param name="CancelReason">Why it was canceled; set when <paramref name="Status"/> is <see cref="PaymentStatus.Canceled"/>.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="Captured">The amount taken from the customer (or, while <see cref="PaymentStatus.Capturing"/>, asked for); null before a capture.</param>
/// <param name="CaptureBefore">When the authorisation lapses if it is not captured, when the provider says.</param>
public sealed record PaymentState(
    Guid PaymentId,
    Guid OrderGroupId,
    Money Amount,
    PaymentStatus Status,
    PaymentDecline? Decline,
    PaymentNextAction? NextAction,
    PaymentCancelReason? CancelReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    Money? Captured = null,
    DateTimeOffset? CaptureBefore = null);

/// <summary>How a call to <see cref="IPayments"/> ended.</summary>
public enum PaymentResultKind
{
    /// <summary>The call did what it asks (or had already); <see cref="PaymentResult.Payment"/> holds the payment.</summary>
    Done,

    /// <summary>The request is malformed; <see cref="PaymentResult.Errors"/> names each field. Nothing was stored.</summary>
    Invalid,

    /// <summary>The order group already has a payment for another amount, currency or payment method; <see cref="PaymentResult.Payment"/> is that payment.</summary>
    Conflict,

    /// <summary>The payment's authorisation is still with the provider (a concurrent call); ask again shortly.</summary>
    InProgress,

    /// <summary>No payment has this id.</summary>
    NotFound,
}

/// <summary>The answer of a call to <see cref="IPayments"/>.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Payment">The payment concerned, when there is one.</param>
/// <param name="Errors">For <see cref="PaymentResultKind.Invalid"/>: field name (camelCase, as in a problem+json <c>errors</c>) to messages.</param>
public sealed record PaymentResult(PaymentResultKind Kind, PaymentState? Payment, IReadOnlyDictionary<string, string[]>? Errors = null);
