namespace Marketplace.Payments.Providers.Sandbox;

/// <summary>What a test payment method does when charged.</summary>
internal enum SandboxBehaviour
{
    Authorizes,
    Declines,

    /// <summary>Asks for 3-D Secure; completing it authorises, failing it declines.</summary>
    RequiresAction,

    /// <summary>Asks for 3-D Secure; even completed, the charge is then declined.</summary>
    RequiresActionThenDeclines,
}

/// <summary>One of Stripe's test payment methods, with its meaning.</summary>
internal sealed record SandboxCard(string Id, SandboxBehaviour Behaviour, string? DeclineCode = null, string? DeclineReason = null);

/// <summary>
/// Stripe's test payment method ids (docs.stripe.com/testing), with the outcome and decline code Stripe gives each, so
/// that a frontend built against the sandbox behaves the same against Stripe's test mode.
/// </summary>
internal static class SandboxCards
{
    public const string UnknownMethodCode = "resource_missing";
    public const string AuthenticationFailedCode = "payment_intent_authentication_failure";
    public const string AuthenticationFailedReason = "The customer did not complete the authentication step (3-D Secure), so the card was not charged.";

    private const string Declined = "Your card was declined.";

    private static readonly SandboxCard[] All =
    [
        new("pm_card_visa", SandboxBehaviour.Authorizes),
        new("pm_card_visa_debit", SandboxBehaviour.Authorizes),
        new("pm_card_mastercard", SandboxBehaviour.Authorizes),
        new("pm_card_mastercard_debit", SandboxBehaviour.Authorizes),
        new("pm_card_mastercard_prepaid", SandboxBehaviour.Authorizes),
        new("pm_card_amex", SandboxBehaviour.Authorizes),
        new("pm_card_discover", SandboxBehaviour.Authorizes),
        new("pm_card_diners", SandboxBehaviour.Authorizes),
        new("pm_card_jcb", SandboxBehaviour.Authorizes),
        new("pm_card_unionpay", SandboxBehaviour.Authorizes),
        new("pm_card_chargeDeclined", SandboxBehaviour.Declines, "generic_decline", Declined),
        new("pm_card_chargeDeclinedInsufficientFunds", SandboxBehaviour.Declines, "insufficient_funds", "Your card has insufficient funds."),
        new("pm_card_chargeDeclinedLostCard", SandboxBehaviour.Declines, "lost_card", Declined),
        new("pm_card_chargeDeclinedStolenCard", SandboxBehaviour.Declines, "stolen_card", Declined),
        new("pm_card_chargeDeclinedExpiredCard", SandboxBehaviour.Declines, "expired_card", "Your card has expired."),
        new("pm_card_chargeDeclinedIncorrectCvc", SandboxBehaviour.Declines, "incorrect_cvc", "Your card's security code is incorrect."),
        new("pm_card_chargeDeclinedProcessingError", SandboxBehaviour.Declines, "processing_error", "An error occurred while processing your card. Try again in a little bit."),
        new("pm_card_chargeDeclinedFraudulent", SandboxBehaviour.Declines, "fraudulent", Declined),
        new("pm_card_chargeDeclinedVelocityLimitExceeded", SandboxBehaviour.Declines, "card_velocity_exceeded", Declined),
        new("pm_card_authenticationRequired", SandboxBehaviour.RequiresAction),
        new("pm_card_threeDSecure2Required", SandboxBehaviour.RequiresAction),
        new("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", SandboxBehaviour.RequiresActionThenDeclines, "insufficient_funds", "Your card has insufficient funds."),
    ];

    private static readonly Dictionary<string, SandboxCard> ById = All.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public static IReadOnlyList<SandboxCard> Known => All;

    /// <summary>The test card, or one that declines as Stripe answers an id it does not know (<c>resource_missing</c>).</summary>
    public static SandboxCard Find(string paymentMethodId) =>
        ById.TryGetValue(paymentMethodId, out var card)
            ? card
            : new SandboxCard(paymentMethodId, SandboxBehaviour.Declines, UnknownMethodCode, $"No such PaymentMethod: '{paymentMethodId}'.");
}
