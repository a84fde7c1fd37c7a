using FluentValidation;
using Marketplace.Platform;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Offers;

/// <summary>A seller's price and stock for one SKU.</summary>
/// <param name="Price">Price per unit, greater than zero, with no more decimals than the currency has.</param>
/// <param name="Currency">ISO 4217 code; must be the storefront currency (EUR unless configured otherwise).</param>
/// <param name="Stock">
/// Units available to sell now, zero or more. Absolute: it replaces the current count. Units held for checkouts in
/// progress are not part of it; when such a hold is released, its units are added back on top of this count.
/// </param>
/// <param name="DispatchDays">Business days from order to dispatch; omitted keeps the current value (2 for a new offer).</param>
public sealed record UpsertOfferRequest(decimal Price, string Currency, int Stock, int? DispatchDays);

internal sealed class UpsertOfferValidator : AbstractValidator<UpsertOfferRequest>
{
    public UpsertOfferValidator(IOptions<CatalogOptions> options)
    {
        var settings = options.Value;
        RuleFor(r => r.Currency).NotEmpty()
            .Must(c => string.Equals(c, settings.Currency, StringComparison.OrdinalIgnoreCase))
            .WithMessage(r => $"The storefront sells in {settings.Currency}; '{r.Currency}' is not accepted. Convert the price to {settings.Currency}.");
        RuleFor(r => r.Price).GreaterThan(0m).LessThanOrEqualTo(settings.MaxPrice)
            .Must(p => Currencies.FitsMinorUnits(p, settings.Currency))
            .WithMessage($"{settings.Currency} prices have at most {Currencies.MinorUnitsOf(settings.Currency)} decimals.");
        RuleFor(r => r.Stock).GreaterThanOrEqualTo(0).LessThanOrEqualTo(settings.MaxStock);
        RuleFor(r => r.DispatchDays).InclusiveBetween(0, settings.MaxDispatchDays);
    }
}
