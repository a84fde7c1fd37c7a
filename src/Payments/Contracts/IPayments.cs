namespace Marketplace.Payments.Contracts;

/// <summary>
/// The payments port Ordering calls: authorise the amount of one order group, release an authorisation, read a
/// payment. Which provider stands behind it (the sandbox or Stripe) is configuration (<c>Payments:Provider</c>);
/// callers see the same answers and the same integration events from either.
/// </summary>
/// <remarks>
/// A payment is asynchronous by nature: an authorisation may need the customer to act (3-D Secure) before it settles,
/// and the settled outcome then arrives as an integration event (<see cref="PaymentAuthorized"/>,
/// <see cref="PaymentFailed"/>, <see cref="PaymentCanceled"/>), never as the answer of a later call. Every method is
/// safe to repeat.
/// </remarks>
public interface IPayments
{
    /// <summary>
    /// Authorises (holds, without capturing) <see cref="AuthorizePayment.Amount"/> on the customer's payment method for
    /// one order group. There is at most one payment per order group: a repeat of the same request answers the payment
    /// the first one made, whatever its state (so a caller that lost an answer asks again); the same order group with
    /// another amount, currency or payment method is <see cref="PaymentResultKind.Conflict"/>.
    /// </summary>
    /// <returns>
    /// <see cref="PaymentResultKind.Done"/> with the payment, whose <see cref="PaymentState.Status"/> is
    /// <see cref="PaymentStatus.Authorized"/>, <see cref="PaymentStatus.Declined"/> (with the provider's decline code and
    /// reason) or <see cref="PaymentStatus.RequiresAction"/> (with the <see cref="PaymentState.NextAction"/> the client
    /// must complete); <see cref="PaymentResultKind.Invalid"/> naming each bad field (nothing is stored, and no value is
    /// echoed); <see cref="PaymentResultKind.Conflict"/>; or <see cref="PaymentResultKind.InProgress"/> when a concurrent
    /// request for the same order group has not heard from the provider yet (ask again).
    /// </returns>
    Task<PaymentResult> AuthorizeAsync(AuthorizePayment request, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the hold of an authorised payment, or abandons one that still waits for the customer's action, and
    /// publishes <see cref="PaymentCanceled"/> (reason <see cref="PaymentCancelReason.Voided"/>). Idempotent: a payment
    /// already canceled answers as it is and publishes nothing; a declined one holds nothing and stays declined.
    /// </summary>
    /// <returns>
    /// <see cref="PaymentResultKind.Done"/> with the payment as it now is; <see cref="PaymentResultKind.NotFound"/>; or
    /// <see cref="PaymentResultKind.InProgress"/> while its authorisation has not come back from the provider.
    /// </returns>
    Task<PaymentResult> VoidAsync(Guid paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back <see cref="RefundPayment.Amount"/> of what was captured for one seller order, from the platform's
    /// provider balance. What is refunded of an order never exceeds what was captured for it, whatever runs concurrently:
    /// the order's refunded total moves by one conditional update the database decides. The provider is asked under
    /// the key <c>refund:{refundId}</c>, and the refund is booked in the ledger (provider balance credited, the seller's
    /// payable debited for its part, the commission given back in proportion) with <see cref="PaymentRefunded"/>.
    /// Repeating a refund id answers that refund again; one left unfinished (the provider did not answer) is carried on.
    /// </summary>
    /// <remarks>
    /// A refund before the capture is refused (<see cref="RefundOutcome.NotCaptured"/>): until then nothing was taken,
    /// and cancelling the order releases its share of the hold instead.
    /// </remarks>
    Task<RefundResult> RefundAsync(RefundPayment request, CancellationToken cancellationToken);

    /// <summary>The payment as it is now, or null when no payment has this id.</summary>
    Task<PaymentState?> GetAsync(Guid paymentId, CancellationToken cancellationToken);

    /// <summary>The payment of an order group as it is now, or null when none was asked for.</summary>
    Task<PaymentState?> FindForOrderGroupAsync(Guid orderGroupId, CancellationToken cancellationToken);
}
