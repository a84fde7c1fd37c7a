using Marketplace.Platform;

namespace Marketplace.Payments.Contracts;

/// <summary>
/// The amount is held: the order group may be placed. Published through the Payments outbox when the provider
/// authorises, at once or after the customer's action (Stripe: <c>payment_intent.amount_capturable_updated</c> with
/// <c>capture_method=manual</c>).
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderGroupId">The order group it pays for.</param>
/// <param name="Amount">The amount held.</param>
/// <param name="OccurredAt">When the payment was authorised.</param>
/// <param name="AnsweredInline">True when this outcome was the answer to the <see cref="IPayments.AuthorizeAsync"/> call
/// that asked for it: that caller acts on it, so a consumer serving the same caller need not (Ordering's checkout settles
/// its group itself, and its sweeper finishes a checkout that stopped before it could).</param>
public sealed record PaymentAuthorized(Guid PaymentId, Guid OrderGroupId, Money Amount, DateTimeOffset OccurredAt, bool AnsweredInline = false);

/// <summary>
/// The provider refused, at once or after the customer's action failed (Stripe: <c>payment_intent.payment_failed</c>).
/// Nothing is held; release what the order group reserved.
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderGroupId">The order group it was for.</param>
/// <param name="Amount">The amount that was not authorised.</param>
/// <param name="DeclineCode">The provider's decline code (see <see cref="PaymentDecline.Code"/>).</param>
/// <param name="Reason">The provider's message.</param>
/// <param name="OccurredAt">When the provider refused.</param>
/// <param name="AnsweredInline">True when this outcome was the answer to the <see cref="IPayments.AuthorizeAsync"/> call
/// that asked for it (see <see cref="PaymentAuthorized.AnsweredInline"/>).</param>
public sealed record PaymentFailed(Guid PaymentId, Guid OrderGroupId, Money Amount, string DeclineCode, string Reason, DateTimeOffset OccurredAt, bool AnsweredInline = false);

/// <summary>
/// The customer must complete an action (3-D Secure) before the provider decides (Stripe:
/// <c>payment_intent.requires_action</c>). Keep the reservation until <paramref name="ActionExpiresAt"/>: one of the
/// other three events follows.
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderGroupId">The order group it pays for.</param>
/// <param name="Amount">The amount to authorise.</param>
/// <param name="ActionExpiresAt">When the payment is canceled if the action is not completed.</param>
/// <param name="OccurredAt">When the provider asked for the action.</param>
public sealed record PaymentActionRequired(Guid PaymentId, Guid OrderGroupId, Money Amount, DateTimeOffset ActionExpiresAt, DateTimeOffset OccurredAt);

/// <summary>
/// The payment was released (<see cref="IPayments.VoidAsync"/>) or its required action was abandoned and expired
/// (Stripe: <c>payment_intent.canceled</c>). Nothing is held; release what the order group reserved.
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderGroupId">The order group it was for.</param>
/// <param name="Amount">The amount that is no longer held.</param>
/// <param name="Reason">Why it was canceled.</param>
/// <param name="OccurredAt">When it was canceled.</param>
public sealed record PaymentCanceled(Guid PaymentId, Guid OrderGroupId, Money Amount, PaymentCancelReason Reason, DateTimeOffset OccurredAt);
