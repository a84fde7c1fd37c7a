using Marketplace.Platform;

namespace Marketplace.Payments.Contracts;

/// <summary>What to authorise: an amount for one order group, on a payment method the provider issued.</summary>
/// <param name="OrderGroupId">
/// The order group the payment pays for; it is the payment's reference and its idempotency key (one payment per order
/// group).
/// </param>
/// <param name="Amount">
/// The total to hold, above zero, in a supported currency and with no more decimals than the currency has, and at most
/// <c>Payments:MaxAmount</c>.
/// </param>
/// <param name="PaymentMethodId">
/// The provider's id of the customer's payment method, as the payment form obtained it from the provider (Stripe:
/// <c>pm_…</c>; the sandbox knows Stripe's test ids such as <c>pm_card_visa</c>). Card data never enters this API: a
/// value that is not shaped like a payment method id, or that holds what looks like a card number, is refused.
/// </param>
/// <param name="CustomerEmail">Where the provider may send the receipt.</param>
public sealed record AuthorizePayment(Guid OrderGroupId, Money Amount, string PaymentMethodId, string CustomerEmail);
