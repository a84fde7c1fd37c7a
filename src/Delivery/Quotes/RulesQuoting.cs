using System.Globalization;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Parcels;
using Marketplace.Delivery.Rules;
using Marketplace.Platform;

namespace Marketplace.Delivery.Quotes;

/// <summary>
/// Prices one seller group by the rules, with no side effects: the destination's zone is the first zone that holds
/// it; each service with a rate for that zone packs the group (<see cref="ParcelPacking"/>); each parcel pays the
/// first weight band that covers its chargeable weight, and every parcel after the first adds the service's extra
/// parcel surcharge. A group that qualifies for free delivery pays nothing for services that take free delivery.
/// </summary>
internal static class RulesQuoting
{
    public static CarrierQuote Quote(DeliveryRules rules, CarrierQuoteInput input, string carrierId)
    {
        var services = rules.Services;
        var currency = Currencies.Normalize(rules.Currency);
        if (!string.Equals(input.Currency, currency, StringComparison.OrdinalIgnoreCase))
        {
            return Nothing(currency, services, UnavailableReason.CurrencyNotPriced, _ => $"Delivery is priced in {currency}; the cart is in {input.Currency}.");
        }

        var zone = ZoneOf(rules, input.Destination);
        if (zone is null)
        {
            return Nothing(currency, services, UnavailableReason.ZoneNotServed,
                _ => $"No delivery to {input.Destination.Country} {input.Destination.PostalCode}.".TrimEnd());
        }

        var calendar = new DeliveryCalendar(rules);
        var cutOff = rules.SellerCutOffs.FirstOrDefault(c => c.SellerId == input.Shipment.SellerId)?.Time ?? rules.CutOff.Time;
        var dispatchDays = input.Shipment.Items.Count == 0 ? 0 : input.Shipment.Items.Max(i => i.DispatchDays);
        var options = new List<DeliveryOption>();
        var unavailable = new List<UnavailableDeliveryOption>();
        foreach (var service in services)
        {
            var rate = rules.Rates.FirstOrDefault(r => r.Zone == zone.Id && r.Service == service.Id);
            if (rate is null)
            {
                unavailable.Add(Unavailable(service, UnavailableReason.ZoneNotServed, $"{service.Name} does not deliver to {zone.Name}."));
                continue;
            }

            var packing = ParcelPacking.Pack(input.Shipment.Items, service);
            if (packing.Refusal is { } refusal)
            {
                unavailable.Add(Unavailable(service, refusal, packing.RefusalDetail!));
                continue;
            }

            var price = Price(packing.Parcels, rate, service, currency, out var tooHeavy);
            if (price is null)
            {
                unavailable.Add(Unavailable(service, UnavailableReason.TooHeavy, tooHeavy!));
                continue;
            }

            var free = input.Shipment.FreeDelivery is { } grant && service.FreeDeliveryEligible ? grant : null;
            options.Add(new DeliveryOption(
                OptionId: service.Id,
                CarrierId: carrierId,
                ServiceId: service.Id,
                ServiceName: service.Name,
                Kind: service.Kind,
                Price: free is null ? price.Value : Money.Zero(currency),
                RegularPrice: price.Value,
                FreeDelivery: free,
                Eta: calendar.Eta(input.Now, cutOff, dispatchDays, rate.TransitDays),
                Parcels: packing.Parcels.Count,
                ChargeableWeightGrams: (int)Math.Min(int.MaxValue, packing.Parcels.Sum(p => (long)p.ChargeableGrams))));
        }

        var ordered = options
            .OrderBy(o => o.Price.Amount)
            .ThenBy(o => o.Eta.Latest)
            .ThenBy(o => o.ServiceId, StringComparer.Ordinal)
            .ToList();
        return new CarrierQuote(currency, ordered, unavailable);
    }

    /// <summary>The first zone, in document order, that lists the country and (when it lists postal codes) matches the code.</summary>
    public static DeliveryZone? ZoneOf(DeliveryRules rules, DeliveryAddress destination)
    {
        var country = destination.Country.Trim().ToUpperInvariant();
        var postal = PostalCodes.Normalize(destination.PostalCode ?? "");
        return rules.Zones.FirstOrDefault(zone =>
            zone.Countries.Contains(country, StringComparer.Ordinal)
            && (zone.PostalCodes.Count == 0 || zone.PostalCodes.Any(match => PostalCodes.Matches(match, postal))));
    }

    private static Money? Price(IReadOnlyList<Parcel> parcels, ZoneRate rate, CarrierService service, string currency, out string? tooHeavy)
    {
        tooHeavy = null;
        var total = 0m;
        foreach (var parcel in parcels)
        {
            var band = rate.Bands.FirstOrDefault(b => b.UpToGrams >= parcel.ChargeableGrams);
            if (band is null)
            {
                tooHeavy = string.Create(CultureInfo.InvariantCulture,
                    $"A parcel's chargeable weight is {parcel.ChargeableGrams} g; {service.Name}'s rates go up to {rate.Bands[^1].UpToGrams} g.");
                return null;
            }

            total += band.Price.Amount;
        }

        if (service.ExtraParcelSurcharge is { } surcharge)
        {
            total += surcharge.Amount * (parcels.Count - 1);
        }

        return Money.Of(total, currency);
    }

    private static CarrierQuote Nothing(string currency, IReadOnlyList<CarrierService> services, UnavailableReason reason, Func<CarrierService, string> detail) =>
        new(currency, [], services.Select(s => Unavailable(s, reason, detail(s))).ToList());

    private static UnavailableDeliveryOption Unavailable(CarrierService service, UnavailableReason reason, string detail) =>
        new(service.Id, service.Name, service.Kind, reason, detail);
}
