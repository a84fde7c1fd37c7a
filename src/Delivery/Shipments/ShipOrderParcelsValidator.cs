using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Quotes;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Shipments;

internal sealed class ShipOrderParcelsValidator : AbstractValidator<ShipOrderParcels>
{
    public ShipOrderParcelsValidator(IOptions<DeliverySettings> options)
    {
        var settings = options.Value;
        RuleFor(r => r.OrderId).NotEmpty();
        RuleFor(r => r.SellerId).NotEmpty();
        RuleFor(r => r.RequestKey).NotEmpty().MaximumLength(ShipmentRequestRow.MaxKeyLength);
        RuleFor(r => r.Destination).NotNull().SetValidator(new DeliveryAddressValidator(options));
        RuleFor(r => r.PickupPointId).MaximumLength(DeliveryDbContext.MaxIdLength);
        RuleFor(r => r.Parcels).Cascade(CascadeMode.Stop).NotEmpty()
            .Must(p => p.Count <= settings.MaxParcelsPerShipment).WithMessage($"At most {settings.MaxParcelsPerShipment} parcels per request.");
        RuleForEach(r => r.Parcels).NotNull().ChildRules(parcel =>
        {
            parcel.When(p => p.IsSellersOwn, () =>
            {
                parcel.RuleFor(p => p.Carrier).NotEmpty().MaximumLength(DeliveryDbContext.MaxIdLength);
                parcel.RuleFor(p => p.TrackingNumber).NotEmpty().MaximumLength(DeliveryDbContext.MaxIdLength)
                    .Must(t => t is null || t.All(c => c > 0x20 && c < 0x7f)).WithMessage("A tracking number holds visible ASCII characters only.");
                parcel.RuleFor(p => p.WeightGrams).Null().WithMessage("A parcel sent with the seller's own tracking number has no weight or size to book.");
            }).Otherwise(() =>
            {
                parcel.RuleFor(p => p.WeightGrams).NotNull().InclusiveBetween(1, settings.MaxUnitWeightGrams);
                parcel.RuleFor(p => p.LengthMm).NotNull().InclusiveBetween(1, settings.MaxUnitDimensionMm);
                parcel.RuleFor(p => p.WidthMm).NotNull().InclusiveBetween(1, settings.MaxUnitDimensionMm);
                parcel.RuleFor(p => p.HeightMm).NotNull().InclusiveBetween(1, settings.MaxUnitDimensionMm);
            });
        });
        RuleFor(r => r.CarrierId).NotEmpty()
            .When(r => r.Parcels is not null && r.Parcels.Any(p => p is not null && !p.IsSellersOwn))
            .WithMessage("This order is delivered by its seller: give each parcel's carrier and tracking number instead of a size to book.");
    }
}
