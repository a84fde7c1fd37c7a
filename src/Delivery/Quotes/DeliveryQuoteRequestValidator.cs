using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Marketplace.Platform;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Quotes;

internal sealed class DeliveryQuoteRequestValidator : AbstractValidator<DeliveryQuoteRequest>
{
    public DeliveryQuoteRequestValidator(IOptions<DeliverySettings> options)
    {
        var settings = options.Value;
        RuleFor(r => r.Currency).Must(Currencies.IsSupported).WithMessage("Unsupported currency '{PropertyValue}'.");
        RuleFor(r => r.Destination).NotNull().SetValidator(new DeliveryAddressValidator(options));
        RuleFor(r => r.Sellers).Cascade(CascadeMode.Stop).NotEmpty()
            .Must(s => s.Count <= settings.MaxSellerGroups).WithMessage($"At most {settings.MaxSellerGroups} seller groups.")
            .Must(s => s.Where(g => g is not null).Select(g => g.SellerId).Distinct().Count() == s.Count(g => g is not null))
            .WithMessage("Each seller may appear once: one group per seller.");
        RuleForEach(r => r.Sellers).NotNull().SetValidator(new SellerShipmentValidator(options));
    }
}

internal sealed class SellerShipmentValidator : AbstractValidator<SellerShipment>
{
    public SellerShipmentValidator(IOptions<DeliverySettings> options)
    {
        var settings = options.Value;
        RuleFor(g => g.SellerId).NotEmpty();
        RuleFor(g => g.Items).Cascade(CascadeMode.Stop).NotEmpty()
            .Must(items => items.Count <= settings.MaxItemsPerGroup).WithMessage($"At most {settings.MaxItemsPerGroup} items per seller.")
            .Must(items => items.Where(i => i is not null).Sum(i => (long)Math.Max(0, i.Quantity)) <= settings.MaxUnitsPerGroup)
            .WithMessage($"At most {settings.MaxUnitsPerGroup} units per seller.");
        RuleForEach(g => g.Items).NotNull().SetValidator(new DeliveryItemValidator(options));
        When(g => g.FreeDelivery is not null, () =>
        {
            RuleFor(g => g.FreeDelivery!.RuleId).NotEmpty().MaximumLength(200);
            RuleFor(g => g.FreeDelivery!.RuleName).NotEmpty().MaximumLength(200);
        });
    }
}

internal sealed class DeliveryItemValidator : AbstractValidator<DeliveryItem>
{
    public DeliveryItemValidator(IOptions<DeliverySettings> options)
    {
        var settings = options.Value;
        RuleFor(i => i.SkuId).NotEmpty();
        RuleFor(i => i.Quantity).InclusiveBetween(1, settings.MaxUnitsPerGroup);
        RuleFor(i => i.WeightGrams).InclusiveBetween(1, settings.MaxUnitWeightGrams);
        RuleFor(i => i.LengthMm).InclusiveBetween(1, settings.MaxUnitDimensionMm);
        RuleFor(i => i.WidthMm).InclusiveBetween(1, settings.MaxUnitDimensionMm);
        RuleFor(i => i.HeightMm).InclusiveBetween(1, settings.MaxUnitDimensionMm);
        RuleFor(i => i.DispatchDays).InclusiveBetween(0, settings.MaxDispatchDays);
    }
}

internal sealed class DeliveryAddressValidator : AbstractValidator<DeliveryAddress>
{
    public DeliveryAddressValidator(IOptions<DeliverySettings> options)
    {
        var settings = options.Value;
        RuleFor(a => a.Country).Must(c => CountryCodes.IsKnown(c?.Trim().ToUpperInvariant())).WithMessage("'{PropertyValue}' is not an ISO 3166-1 alpha-2 country code (for example DE).");
        RuleFor(a => a.PostalCode).Cascade(CascadeMode.Stop).NotNull().MaximumLength(settings.MaxPostalCodeLength)
            .Must(code => code is null || PostalCodes.IsWellFormed(code)).WithMessage("A postal code holds letters, digits, spaces and dashes only.");
        RuleFor(a => a.City).NotEmpty().MaximumLength(settings.MaxAddressLineLength);
        RuleFor(a => a.Lines).Cascade(CascadeMode.Stop).NotEmpty().Must(lines => lines.Count <= settings.MaxAddressLines).WithMessage($"At most {settings.MaxAddressLines} address lines.");
        RuleForEach(a => a.Lines).NotEmpty().MaximumLength(settings.MaxAddressLineLength);
    }
}
