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

/// <summary>
/// Money was taken from the customer: the total of the seller orders accepted when the capture was decided (every
/// placed order of the group accepted or cancelled, or the capture deadline reached first). Whatever else the
/// authorisation held was released. Each order's share is booked in the ledger as payable to its seller.
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderGroupId">The order group it pays for.</param>
/// <param name="Authorized">The amount that was held.</param>
/// <param name="Captured">The amount taken, at most <paramref name="Authorized"/>.</param>
/// <param name="CapturedOrderIds">
/// The seller orders the capture pays for. A placed order of the group that is not among them was neither accepted nor
/// cancelled when the capture deadline came: its money is no longer held, so it must not be fulfilled unpaid.
/// </param>
/// <param name="OccurredAt">When the provider confirmed the capture.</param>
public sealed record PaymentCaptured(
    Guid PaymentId, Guid OrderGroupId, Money Authorized, Money Captured, IReadOnlyList<Guid> CapturedOrderIds, DateTimeOffset OccurredAt);

/// <summary>
/// The authorisation lapsed uncaptured: its <c>capture_before</c> passed with no seller order accepted (or with the
/// capture scheduler unable to capture in time). Nothing was taken and nothing is held any more, so the group's placed
/// orders are unpaid: whoever fulfils them must be told (Ordering cancels or re-charges them; operations are alerted).
/// </summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="OrderGroupId">The order group it was for.</param>
/// <param name="Amount">The amount that was held and is lost.</param>
/// <param name="CaptureBefore">When the authorisation lapsed.</param>
/// <param name="OccurredAt">When the lapse was recorded.</param>
public sealed record PaymentAuthorizationLapsed(Guid PaymentId, Guid OrderGroupId, Money Amount, DateTimeOffset CaptureBefore, DateTimeOffset OccurredAt);

/// <summary>
/// Money went back to the customer for one seller order: a seller's or an admin's refund, or the cancellation of an
/// order after its capture. Booked in the ledger under <c>refund:{RefundId}</c> in the same transaction. Tell the
/// customer.
/// </summary>
/// <param name="RefundId">The refund (the caller's id; for a cancellation, one derived from the order).</param>
/// <param name="PaymentId">The payment it came from.</param>
/// <param name="OrderGroupId">The order group the payment paid for.</param>
/// <param name="OrderId">The seller order refunded.</param>
/// <param name="SellerId">That order's seller.</param>
/// <param name="Amount">What was given back.</param>
/// <param name="Reason">Why, as the customer is told; null when none was given.</param>
/// <param name="ForCancellation">True when the order's cancellation after its capture refunded it in full.</param>
/// <param name="OccurredAt">When the provider confirmed it.</param>
public sealed record PaymentRefunded(
    Guid RefundId, Guid PaymentId, Guid OrderGroupId, Guid OrderId, Guid SellerId, Money Amount, string? Reason, bool ForCancellation, DateTimeOffset OccurredAt);

/// <summary>
/// The provider refused a refund: nothing was given back, and the refund's amount is refundable again. A caller that got
/// the answer to its request has it already; this tells one whose request never learned the outcome, because the
/// provider's first answer was lost and Payments' sweeper carried the refund on later.
/// </summary>
/// <param name="RefundId">The refund (the caller's id).</param>
/// <param name="PaymentId">The payment it was asked of.</param>
/// <param name="OrderGroupId">The order group the payment paid for.</param>
/// <param name="OrderId">The seller order.</param>
/// <param name="SellerId">That order's seller.</param>
/// <param name="Amount">What was asked.</param>
/// <param name="Code">The provider's reason (Stripe's error code, such as <c>charge_disputed</c>).</param>
/// <param name="OccurredAt">When the provider refused it.</param>
public sealed record PaymentRefundRefused(
    Guid RefundId, Guid PaymentId, Guid OrderGroupId, Guid OrderId, Guid SellerId, Money Amount, string Code, DateTimeOffset OccurredAt);
