using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Quotes;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Carriers;

internal sealed class ShipmentRequestValidator : AbstractValidator<ShipmentRequest>
{
    public ShipmentRequestValidator(IOptions<DeliverySettings> options)
    {
        var settings = options.Value;
        RuleFor(r => r.OrderReference).NotEmpty().MaximumLength(Math.Min(settings.MaxOrderReferenceLength, DeliveryDbContext.MaxIdLength));
        RuleFor(r => r.SellerId).NotEmpty();
        RuleFor(r => r.ServiceId).NotEmpty().MaximumLength(DeliveryDbContext.MaxIdLength);
        RuleFor(r => r.Destination).NotNull().SetValidator(new DeliveryAddressValidator(options));
        RuleFor(r => r.Items).Cascade(CascadeMode.Stop).NotEmpty()
            .Must(items => items.Count <= settings.MaxItemsPerGroup).WithMessage($"At most {settings.MaxItemsPerGroup} items per shipment.")
            .Must(items => items.Where(i => i is not null).Sum(i => (long)Math.Max(0, i.Quantity)) <= settings.MaxUnitsPerGroup)
            .WithMessage($"At most {settings.MaxUnitsPerGroup} units per shipment.");
        RuleForEach(r => r.Items).NotNull().SetValidator(new DeliveryItemValidator(options));
    }
}
