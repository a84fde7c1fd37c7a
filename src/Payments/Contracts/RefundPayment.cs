using Marketplace.Platform;

namespace Marketplace.Payments.Contracts;

/// <summary>What to give back to the customer: an amount of what was captured for one seller order.</summary>
/// <param name="RefundId">
/// The caller's id for this refund, chosen once per refund: it is the refund's key here and at the provider
/// (<c>refund:{RefundId}</c>), so asking again with it never refunds twice.
/// </param>
/// <param name="OrderId">The seller order whose captured share is refunded.</param>
/// <param name="Amount">Above zero, in the payment's currency; at most what was captured for the order and not refunded yet.</param>
/// <param name="Reason">Why, as the customer is told it; optional.</param>
public sealed record RefundPayment(Guid RefundId, Guid OrderId, Money Amount, string? Reason);

/// <summary>What asking for a refund came to.</summary>
public enum RefundOutcome
{
    /// <summary>The provider gave the amount back (now, or for an earlier call with the same refund id).</summary>
    Refunded,

    /// <summary>Nothing was captured for the order yet (its group's capture is not decided, or the order is not in it): nothing changed.</summary>
    NotCaptured,

    /// <summary>The amount is above what is left of the order's captured share: nothing changed; see <see cref="RefundResult.Refundable"/>.</summary>
    ExceedsCapture,

    /// <summary>The refund id was used before for another order or amount: nothing changed.</summary>
    Conflict,

    /// <summary>The provider refused the refund (see <see cref="RefundResult.ProviderCode"/>): nothing was refunded, and what it reserved is free again.</summary>
    Refused,
}

/// <summary>The answer to <see cref="IPayments.RefundAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Refunded">The amount given back, with <see cref="RefundOutcome.Refunded"/>.</param>
/// <param name="Refundable">What is still refundable for the order after this call, when the order was captured.</param>
/// <param name="ProviderCode">The provider's error code, with <see cref="RefundOutcome.Refused"/>.</param>
public sealed record RefundResult(RefundOutcome Outcome, Money? Refunded, Money? Refundable, string? ProviderCode = null);
