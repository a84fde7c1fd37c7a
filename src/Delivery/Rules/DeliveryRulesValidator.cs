using FluentValidation;
using FluentValidation.Results;
using Marketplace.Platform;

namespace Marketplace.Delivery.Rules;

/// <summary>
/// Checks a "delivery" document before it takes effect. Each failure names the JSON path of the field
/// (<c>rates[1].bands[0].upToGrams</c>), so marketing can find it. Cross-references are checked too: rates name known
/// zones and services once each, ids are unique, and a zone that an earlier zone hides entirely is refused, because
/// it could never match.
/// </summary>
internal sealed class DeliveryRulesValidator : AbstractValidator<DeliveryRules>
{
    /// <summary>Longer transits than this are a typo (days for weeks), not a delivery promise.</summary>
    internal const int MaxTransitDays = 60;

    public DeliveryRulesValidator()
    {
        // The paths are built by hand: they must be the JSON paths of the document, not FluentValidation's PascalCase names.
        RuleFor(rules => rules).Custom((rules, context) =>
        {
            foreach (var failure in Check(rules))
            {
                context.AddFailure(failure);
            }
        });
    }

    private static List<ValidationFailure> Check(DeliveryRules rules)
    {
        var failures = new List<ValidationFailure>();
        var currencyKnown = Currencies.IsSupported(rules.Currency);
        if (!currencyKnown)
        {
            failures.Add(new("currency", $"Unsupported currency '{rules.Currency}'."));
        }

        // "field": null binds to null, not to the empty default; the quoting reads every list, so a null one is refused.
        NotNull(rules.SellerCutOffs, "sellerCutOffs", failures);
        NotNull(rules.Holidays, "holidays", failures);
        NotNull(rules.Zones, "zones", failures);
        NotNull(rules.Services, "services", failures);
        NotNull(rules.Rates, "rates", failures);
        CutOffs(rules, failures);
        Calendar(rules, failures);
        var zones = Zones(rules.Zones ?? [], failures);
        var services = Services(rules.Services ?? [], currencyKnown ? rules.Currency : null, failures);
        Rates(rules.Rates ?? [], zones, services, currencyKnown ? rules.Currency : null, failures);
        return failures;
    }

    private static void CutOffs(DeliveryRules rules, List<ValidationFailure> failures)
    {
        if (rules.CutOff is null)
        {
            failures.Add(new("cutOff", "The cut-off is required: a time and a time zone."));
        }
        else if (string.IsNullOrWhiteSpace(rules.CutOff.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(rules.CutOff.TimeZone, out _))
        {
            failures.Add(new("cutOff.timeZone", $"Unknown time zone '{rules.CutOff.TimeZone}': use an IANA id such as Europe/Berlin."));
        }

        var sellers = rules.SellerCutOffs ?? [];
        var seen = new Dictionary<Guid, int>();
        for (var i = 0; i < sellers.Count; i++)
        {
            if (sellers[i] is null)
            {
                failures.Add(new($"sellerCutOffs[{i}]", "A seller cut-off must not be null."));
            }
            else if (sellers[i].SellerId == Guid.Empty)
            {
                failures.Add(new($"sellerCutOffs[{i}].sellerId", "The seller id is required."));
            }
            else if (!seen.TryAdd(sellers[i].SellerId, i))
            {
                failures.Add(new($"sellerCutOffs[{i}].sellerId", $"Seller {sellers[i].SellerId} already has a cut-off at sellerCutOffs[{seen[sellers[i].SellerId]}]."));
            }
        }
    }

    private static void Calendar(DeliveryRules rules, List<ValidationFailure> failures)
    {
        var days = rules.WorkingDays ?? [];
        if (days.Count == 0)
        {
            failures.Add(new("workingDays", "At least one working day is required, or nothing would ever be dispatched."));
        }

        for (var i = 0; i < days.Count; i++)
        {
            if (!Enum.IsDefined(days[i]))
            {
                failures.Add(new($"workingDays[{i}]", $"'{days[i]}' is not a day of the week."));
            }
            else if (days.Take(i).Contains(days[i]))
            {
                failures.Add(new($"workingDays[{i}]", $"{days[i]} is listed twice."));
            }
        }
    }

    private static Dictionary<string, int> Zones(IReadOnlyList<DeliveryZone> zones, List<ValidationFailure> failures)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);

        // A country an earlier zone takes whole (no postal codes): any later zone of that country can never match.
        var wholeCountries = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < zones.Count; i++)
        {
            var path = $"zones[{i}]";
            var zone = zones[i];
            if (zone is null)
            {
                failures.Add(new(path, "A zone must not be null."));
                continue;
            }

            IdAndName(zone.Id, zone.Name, path, "zone", ids, i, failures);
            var countries = zone.Countries ?? [];
            if (countries.Count == 0)
            {
                failures.Add(new($"{path}.countries", "A zone needs at least one country."));
            }

            for (var k = 0; k < countries.Count; k++)
            {
                var country = countries[k];
                if (!CountryCodes.IsKnown(country))
                {
                    failures.Add(new($"{path}.countries[{k}]", $"'{country}' is not an ISO 3166-1 alpha-2 country code in upper case (for example DE)."));
                }
                else if (wholeCountries.TryGetValue(country, out var earlier))
                {
                    failures.Add(new($"{path}.countries[{k}]", $"zones[{earlier}] already takes all of {country}, so this zone can never match it: put the narrower zone first."));
                }
            }

            NotNull(zone.Carriers, $"{path}.carriers", failures);
            var carriers = zone.Carriers ?? [];
            for (var k = 0; k < carriers.Count; k++)
            {
                if (carriers[k] is null || !KnownCarriers.All.Contains(carriers[k], StringComparer.Ordinal))
                {
                    failures.Add(new($"{path}.carriers[{k}]", $"Unknown carrier '{carriers[k]}': expected one of {string.Join(", ", KnownCarriers.All)} (the built-in carrier always quotes)."));
                }
                else if (carriers.Take(k).Contains(carriers[k], StringComparer.Ordinal))
                {
                    failures.Add(new($"{path}.carriers[{k}]", $"Carrier '{carriers[k]}' is listed twice."));
                }
            }

            NotNull(zone.PostalCodes, $"{path}.postalCodes", failures);
            var postal = zone.PostalCodes ?? [];
            for (var k = 0; k < postal.Count; k++)
            {
                PostalCodeChecks(postal[k], $"{path}.postalCodes[{k}]", failures);
            }

            if (postal.Count == 0)
            {
                foreach (var country in countries.Where(CountryCodes.IsKnown))
                {
                    wholeCountries.TryAdd(country, i);
                }
            }
        }

        return ids;
    }

    private static void PostalCodeChecks(PostalCodeMatch? match, string path, List<ValidationFailure> failures)
    {
        if (match is null)
        {
            failures.Add(new(path, "A postal-code match must not be null."));
            return;
        }

        var hasPrefix = match.Prefix is not null;
        var hasRange = match.From is not null || match.To is not null;
        if (hasPrefix == hasRange)
        {
            failures.Add(new(path, "Give either a prefix, or a range with from and to."));
            return;
        }

        if (hasPrefix)
        {
            if (PostalCodes.Normalize(match.Prefix!).Length == 0 || !PostalCodes.IsWellFormed(match.Prefix!))
            {
                failures.Add(new($"{path}.prefix", "The prefix must hold letters or digits."));
            }

            return;
        }

        if (match.From is null || !PostalCodes.IsWellFormed(match.From) || PostalCodes.Normalize(match.From).Length == 0)
        {
            failures.Add(new($"{path}.from", "The range's start must hold letters or digits."));
            return;
        }

        if (match.To is null || !PostalCodes.IsWellFormed(match.To) || PostalCodes.Normalize(match.To).Length == 0)
        {
            failures.Add(new($"{path}.to", "The range's end must hold letters or digits."));
            return;
        }

        var from = PostalCodes.Normalize(match.From);
        var to = PostalCodes.Normalize(match.To);
        if (from.Length != to.Length)
        {
            failures.Add(new($"{path}.to", $"The range's bounds must have as many characters ('{from}' has {from.Length}, '{to}' has {to.Length})."));
        }
        else if (string.CompareOrdinal(from, to) > 0)
        {
            failures.Add(new($"{path}.to", $"The range must not end ('{to}') before it starts ('{from}')."));
        }
    }

    private static Dictionary<string, int> Services(IReadOnlyList<CarrierService> services, string? currency, List<ValidationFailure> failures)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            var path = $"services[{i}]";
            var service = services[i];
            if (service is null)
            {
                failures.Add(new(path, "A service must not be null."));
                continue;
            }

            IdAndName(service.Id, service.Name, path, "service", ids, i, failures);
            if (!Enum.IsDefined(service.Kind))
            {
                failures.Add(new($"{path}.kind", "Unknown service kind: expected CourierToDoor, PickupPoint or SellerOwnDelivery."));
            }

            Positive(service.VolumetricDivisor, $"{path}.volumetricDivisor", failures);
            Positive(service.MaxParcelWeightGrams, $"{path}.maxParcelWeightGrams", failures);
            Positive(service.MaxLongestSideMm, $"{path}.maxLongestSideMm", failures);
            if (service.MaxLengthPlusGirthMm is { } girth)
            {
                Positive(girth, $"{path}.maxLengthPlusGirthMm", failures);
            }

            if (service.MaxSumOfSidesMm is { } sum)
            {
                Positive(sum, $"{path}.maxSumOfSidesMm", failures);
            }

            if (service.ExtraParcelSurcharge is { } surcharge)
            {
                Price(surcharge, $"{path}.extraParcelSurcharge", currency, failures);
            }
        }

        return ids;
    }

    private static void Rates(
        IReadOnlyList<ZoneRate> rates, Dictionary<string, int> zones, Dictionary<string, int> services, string? currency, List<ValidationFailure> failures)
    {
        var pairs = new Dictionary<(string, string), int>();
        for (var i = 0; i < rates.Count; i++)
        {
            var path = $"rates[{i}]";
            var rate = rates[i];
            if (rate is null)
            {
                failures.Add(new(path, "A rate must not be null."));
                continue;
            }

            if (rate.Zone is null || !zones.ContainsKey(rate.Zone))
            {
                failures.Add(new($"{path}.zone", $"Unknown zone '{rate.Zone}': define it under zones."));
            }

            if (rate.Service is null || !services.ContainsKey(rate.Service))
            {
                failures.Add(new($"{path}.service", $"Unknown service '{rate.Service}': define it under services."));
            }

            if (rate.Zone is not null && rate.Service is not null && !pairs.TryAdd((rate.Zone, rate.Service), i))
            {
                failures.Add(new(path, $"Zone '{rate.Zone}' and service '{rate.Service}' already have a rate at rates[{pairs[(rate.Zone, rate.Service)]}]."));
            }

            var bands = rate.Bands ?? [];
            if (bands.Count == 0)
            {
                failures.Add(new($"{path}.bands", "A rate needs at least one weight band."));
            }

            for (var k = 0; k < bands.Count; k++)
            {
                var bandPath = $"{path}.bands[{k}]";
                if (bands[k] is null)
                {
                    failures.Add(new(bandPath, "A weight band must not be null."));
                    continue;
                }

                Positive(bands[k].UpToGrams, $"{bandPath}.upToGrams", failures);
                if (k > 0 && bands[k - 1] is { } previous && bands[k].UpToGrams <= previous.UpToGrams)
                {
                    failures.Add(new($"{bandPath}.upToGrams", $"Bands must go up: {bands[k].UpToGrams} g is not above the previous band's {previous.UpToGrams} g."));
                }

                Price(bands[k].Price, $"{bandPath}.price", currency, failures);
            }

            if (rate.TransitDays is null)
            {
                failures.Add(new($"{path}.transitDays", "Transit days are required."));
            }
            else if (rate.TransitDays.Min < 0 || rate.TransitDays.Min > MaxTransitDays)
            {
                failures.Add(new($"{path}.transitDays.min", $"min must be between 0 and {MaxTransitDays} working days."));
            }
            else if (rate.TransitDays.Max < rate.TransitDays.Min || rate.TransitDays.Max > MaxTransitDays)
            {
                failures.Add(new($"{path}.transitDays.max", $"max must be between min ({rate.TransitDays.Min}) and {MaxTransitDays} working days."));
            }
        }
    }

    private static void IdAndName(string? id, string? name, string path, string what, Dictionary<string, int> ids, int index, List<ValidationFailure> failures)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            failures.Add(new($"{path}.id", $"The {what}'s id is required."));
        }
        else if (!ids.TryAdd(id, index))
        {
            failures.Add(new($"{path}.id", $"Duplicate {what} id '{id}', also at index {ids[id]}."));
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            failures.Add(new($"{path}.name", $"The {what}'s name is required: customers see it."));
        }
    }

    private static void NotNull<T>(IReadOnlyList<T>? list, string path, List<ValidationFailure> failures)
    {
        if (list is null)
        {
            failures.Add(new(path, "Must be a list, not null: leave the field out, or write [], for none."));
        }
    }

    private static void Positive(int value, string path, List<ValidationFailure> failures)
    {
        if (value <= 0)
        {
            failures.Add(new(path, "Must be above zero."));
        }
    }

    private static void Price(Money price, string path, string? currency, List<ValidationFailure> failures)
    {
        if (!Currencies.IsSupported(price.Currency))
        {
            failures.Add(new($"{path}.currency", $"Unsupported currency '{price.Currency}'."));
            return;
        }

        if (currency is not null && !string.Equals(price.Currency, currency, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add(new($"{path}.currency", $"Every price must be in the document's currency, {currency}."));
        }

        if (price.Amount < 0m)
        {
            failures.Add(new($"{path}.amount", "The amount must not be negative."));
        }
        else if (!Currencies.FitsMinorUnits(price.Amount, price.Currency))
        {
            failures.Add(new($"{path}.amount", $"{Currencies.Normalize(price.Currency)} allows {Currencies.MinorUnitsOf(price.Currency)} decimals."));
        }
    }
}
