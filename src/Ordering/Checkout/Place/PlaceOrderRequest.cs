using FluentValidation;
using Marketplace.Ordering.Orders;
using Marketplace.Payments.Contracts;

namespace Marketplace.Ordering.Checkout.Place;

/// <summary>A checkout: the cart named by X-Cart-Token or the bearer becomes one order per seller, paid together.</summary>
/// <param name="Email">Where receipts go. Required for a guest; a signed-in customer's account email is used when omitted.</param>
/// <param name="ShippingAddress">Where the parcels go: the address the delivery quote was made for.</param>
/// <param name="Delivery">One choice per seller of the cart: the quote and the option of that seller.</param>
/// <param name="PaymentMethodId">
/// The payment provider's id of the payment method, as the payment form obtained it (<c>pm_…</c>; the sandbox knows
/// Stripe's test ids such as <c>pm_card_visa</c>). Card numbers are refused.
/// </param>
/// <param name="ExpectedTotal">The total the customer saw (goods and delivery); checkout refuses with 409 when it changed.</param>
/// <param name="CartFingerprint">The cart fingerprint from the quote; checkout refuses with 409 when the cart's prices changed.</param>
public sealed record PlaceOrderRequest(
    string? Email,
    ShippingAddressRequest? ShippingAddress,
    IReadOnlyList<DeliveryChoiceRequest>? Delivery,
    string? PaymentMethodId,
    decimal? ExpectedTotal,
    string? CartFingerprint);

/// <summary>The delivery option chosen for one seller.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="QuoteId">The quote from <c>POST /api/v1/checkout/quote</c>.</param>
/// <param name="OptionId">The option of that seller in the quote.</param>
public sealed record DeliveryChoiceRequest(Guid SellerId, Guid QuoteId, string? OptionId);

internal sealed class DeliveryChoiceRequestValidator : AbstractValidator<DeliveryChoiceRequest>
{
    public DeliveryChoiceRequestValidator()
    {
        RuleFor(c => c.SellerId).NotEmpty();
        RuleFor(c => c.QuoteId).NotEmpty();
        RuleFor(c => c.OptionId).NotEmpty().MaximumLength(100);
    }
}

internal sealed class PlaceOrderRequestValidator : AbstractValidator<PlaceOrderRequest>
{
    public const int MaxSellers = 50;

    public PlaceOrderRequestValidator()
    {
        RuleFor(r => r.Email).MaximumLength(OrderGroup.MaxEmailLength).EmailAddress();
        RuleFor(r => r.ShippingAddress).NotNull().SetValidator(new ShippingAddressRequestValidator()!);
        RuleFor(r => r.Delivery).NotEmpty()
            .Must(d => d is null || d.Count <= MaxSellers).WithMessage($"At most {MaxSellers} sellers.")
            .Must(d => d is null || d.Select(c => c?.SellerId).Distinct().Count() == d.Count).WithMessage("Choose one option per seller.");
        RuleForEach(r => r.Delivery).NotNull().SetValidator(new DeliveryChoiceRequestValidator());
        RuleFor(r => r.PaymentMethodId).Custom((id, context) =>
        {
            if (PaymentMethodIds.Refusal(id) is { } refusal)
            {
                context.AddFailure("paymentMethodId", refusal);
            }
        });
        RuleFor(r => r.ExpectedTotal).GreaterThanOrEqualTo(0m);
        RuleFor(r => r.CartFingerprint).MaximumLength(200);
        RuleFor(r => r)
            .Must(r => r.ExpectedTotal is not null || !string.IsNullOrWhiteSpace(r.CartFingerprint))
            .OverridePropertyName("expectedTotal")
            .WithMessage("Send the total the customer saw (expectedTotal) or the cart fingerprint of the quote (cartFingerprint).");
    }
}
