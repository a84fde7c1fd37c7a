using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Marketplace.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Services.Listing;

/// <summary>Where the marketplace delivers and how: for a frontend's delivery page, before any cart exists.</summary>
/// <param name="Currency">The currency of every price.</param>
/// <param name="Services">Each carrier service with the zones it serves.</param>
public sealed record DeliveryServicesResponse(string Currency, IReadOnlyList<DeliveryServiceResponse> Services);

/// <summary>One carrier service.</summary>
/// <param name="Id">The service's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Courier to the door, pickup point, or the seller's own delivery.</param>
/// <param name="MaxParcelWeightGrams">Heaviest parcel it carries, in grams.</param>
/// <param name="Zones">The zones it serves, in the rules' order.</param>
public sealed record DeliveryServiceResponse(string Id, string Name, DeliveryServiceKind Kind, int MaxParcelWeightGrams, IReadOnlyList<DeliveryZoneResponse> Zones);

/// <summary>A zone a service serves.</summary>
/// <param name="Id">The zone's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Countries">Its countries (ISO 3166-1 alpha-2).</param>
/// <param name="LimitedToPostalCodes">True when only some postal codes of those countries are in the zone.</param>
/// <param name="FromPrice">The price of the lightest band: what one light parcel costs.</param>
/// <param name="MinTransitDays">Fewest working days from dispatch to delivery.</param>
/// <param name="MaxTransitDays">Most working days from dispatch to delivery.</param>
public sealed record DeliveryZoneResponse(
    string Id, string Name, IReadOnlyList<string> Countries, bool LimitedToPostalCodes, Money FromPrice, int MinTransitDays, int MaxTransitDays);

internal static class ListDeliveryServices
{
    public static Ok<DeliveryServicesResponse> Handle(IOptionsMonitor<DeliveryRules> rules)
    {
        var inForce = rules.CurrentValue;
        var services = inForce.Services.Select(service => new DeliveryServiceResponse(
                service.Id,
                service.Name,
                service.Kind,
                service.MaxParcelWeightGrams,
                [.. inForce.Zones
                    .Select(zone => (Zone: zone, Rate: inForce.Rates.FirstOrDefault(r => r.Zone == zone.Id && r.Service == service.Id)))
                    .Where(z => z.Rate is not null)
                    .Select(z => new DeliveryZoneResponse(
                        z.Zone.Id, z.Zone.Name, z.Zone.Countries, z.Zone.PostalCodes.Count > 0, z.Rate!.Bands[0].Price, z.Rate.TransitDays.Min, z.Rate.TransitDays.Max))]))
            .ToList();
        return TypedResults.Ok(new DeliveryServicesResponse(Currencies.Normalize(inForce.Currency), services));
    }
}
