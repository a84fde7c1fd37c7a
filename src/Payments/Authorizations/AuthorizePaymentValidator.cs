using FluentValidation;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Domain;
using Marketplace.Platform;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Authorizations;

/// <summary>
/// Refuses a malformed authorisation before anything is stored or sent. No message repeats the value it refuses,
/// because the one value worth refusing loudly is a card number.
/// </summary>
internal sealed class AuthorizePaymentValidator : AbstractValidator<AuthorizePayment>
{
    public AuthorizePaymentValidator(IOptions<PaymentsOptions> options)
    {
        var maxAmount = options.Value.MaxAmount;
        RuleFor(r => r.OrderGroupId).NotEmpty().WithMessage("Must name the order group.").OverridePropertyName("orderGroupId");
        RuleFor(r => r.Amount.Currency)
            .Must(Currencies.IsSupported).WithMessage("Must be a supported ISO 4217 currency code, such as EUR.")
            .OverridePropertyName("amount.currency");
        RuleFor(r => r.Amount.Amount)
            .GreaterThan(0m).WithMessage("Must be above zero.")
            .LessThanOrEqualTo(maxAmount).WithMessage($"Must be at most {maxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture)} (Payments:MaxAmount).")
            .Must((r, amount) => !Currencies.IsSupported(r.Amount.Currency) || Currencies.FitsMinorUnits(amount, r.Amount.Currency))
            .WithMessage("Has more decimals than the currency has.")
            .OverridePropertyName("amount.amount");
        RuleFor(r => r.PaymentMethodId)
            .Custom((id, context) =>
            {
                if (PaymentMethodIds.Refusal(id) is { } refusal)
                {
                    context.AddFailure("paymentMethodId", refusal);
                }
            });
        RuleFor(r => r.CustomerEmail)
            .NotEmpty().WithMessage("Must not be empty.")
            .MaximumLength(Payment.MaxEmailLength).WithMessage($"Must be at most {Payment.MaxEmailLength} characters.")
            .EmailAddress().WithMessage("Must be an email address.")
            .OverridePropertyName("customerEmail");
    }
}
