using Marketplace.Delivery.Contracts;
using Marketplace.Platform;

namespace Marketplace.Delivery.Rules;

/// <summary>
/// The runtime section "delivery": where the marketplace delivers, with which services, at what price and how fast.
/// One JSON document (camelCase), reference in <c>docs/delivery.md</c>. The empty document is valid and delivers
/// nowhere. An instance is never changed once it is in force.
/// </summary>
internal sealed record DeliveryRules
{
    /// <summary>ISO 4217 currency every price of the document is in.</summary>
    public string Currency { get; init; } = "EUR";

    /// <summary>The local time and time zone of cut-offs, working days and holidays.</summary>
    public CutOffRule CutOff { get; init; } = new();

    /// <summary>Sellers whose orders are cut off at another local time than <see cref="CutOff"/>.</summary>
    public IReadOnlyList<SellerCutOff> SellerCutOffs { get; init; } = [];

    /// <summary>Days of the week on which parcels are dispatched, carried and delivered; Monday to Friday when omitted.</summary>
    public IReadOnlyList<DayOfWeek> WorkingDays { get; init; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Dates on which nobody dispatches, carries or delivers, in the cut-off's time zone.</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>Destinations: the first zone (in document order) that matches an address is its zone.</summary>
    public IReadOnlyList<DeliveryZone> Zones { get; init; } = [];

    /// <summary>The carrier services a seller group can ship with.</summary>
    public IReadOnlyList<CarrierService> Services { get; init; } = [];

    /// <summary>Prices and transit times per zone and service; a service without a rate for a zone does not serve it.</summary>
    public IReadOnlyList<ZoneRate> Rates { get; init; } = [];
}

/// <summary>When an order stops counting as placed today: before <see cref="Time"/> local time on a working day.</summary>
internal sealed record CutOffRule
{
    /// <summary>Local time of the cut-off, for example <c>14:00</c>.</summary>
    public TimeOnly Time { get; init; } = new(14, 0);

    /// <summary>IANA time zone id, for example <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; init; } = "UTC";
}

/// <summary>A seller's own cut-off time, in the time zone of <see cref="DeliveryRules.CutOff"/>.</summary>
internal sealed record SellerCutOff
{
    public Guid SellerId { get; init; }

    public TimeOnly Time { get; init; }
}

/// <summary>A set of destinations priced alike.</summary>
internal sealed record DeliveryZone
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>ISO 3166-1 alpha-2 country codes, upper case.</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];

    /// <summary>When not empty, only addresses whose postal code matches one of these are in the zone.</summary>
    public IReadOnlyList<PostalCodeMatch> PostalCodes { get; init; } = [];

    /// <summary>
    /// The HTTP carriers (ids of <see cref="KnownCarriers"/>) asked for quotes to this zone, besides the built-in one;
    /// none when omitted. A carrier that is not configured on this host is skipped.
    /// </summary>
    public IReadOnlyList<string> Carriers { get; init; } = [];
}

/// <summary>The HTTP carriers this code has adapters for, by the id the rules name them with.</summary>
internal static class KnownCarriers
{
    public const string Cdek = "cdek";

    public static readonly IReadOnlyList<string> All = [Cdek];
}

/// <summary>
/// Postal codes by <see cref="Prefix"/>, or by the inclusive range <see cref="From"/>..<see cref="To"/>, which
/// compares as many leading characters of the code as the bounds have (so <c>10000..14999</c> holds <c>12043</c>).
/// Codes compare upper case, without spaces and dashes.
/// </summary>
internal sealed record PostalCodeMatch
{
    public string? Prefix { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }
}

/// <summary>A way of carrying parcels, with its parcel limits.</summary>
internal sealed record CarrierService
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public DeliveryServiceKind Kind { get; init; }

    /// <summary>
    /// Volumetric divisor in cm³ per kg, as carriers state it (5000 is common): a parcel's volumetric weight in grams is
    /// its volume in mm³ divided by this.
    /// </summary>
    public int VolumetricDivisor { get; init; } = 5000;

    /// <summary>Heaviest parcel (actual and chargeable weight), in grams.</summary>
    public int MaxParcelWeightGrams { get; init; }

    /// <summary>Longest side of one unit, in mm.</summary>
    public int MaxLongestSideMm { get; init; }

    /// <summary>When set, a unit's length plus girth (longest side + 2 × the other two) may not exceed it, in mm.</summary>
    public int? MaxLengthPlusGirthMm { get; init; }

    /// <summary>When set, a unit's three sides together may not exceed it, in mm (lockers and pickup points state this).</summary>
    public int? MaxSumOfSidesMm { get; init; }

    /// <summary>Added for each parcel after the first; nothing when omitted.</summary>
    public Money? ExtraParcelSurcharge { get; init; }

    /// <summary>Whether a seller group that qualifies for free delivery (pricing's thresholds) gets this service free.</summary>
    public bool FreeDeliveryEligible { get; init; } = true;
}

/// <summary>The price and transit time of one service in one zone.</summary>
internal sealed record ZoneRate
{
    public string Zone { get; init; } = "";

    public string Service { get; init; } = "";

    /// <summary>Ascending weight bands: a parcel pays the first band whose <c>upToGrams</c> is at least its chargeable weight.</summary>
    public IReadOnlyList<WeightBand> Bands { get; init; } = [];

    /// <summary>Working days from dispatch to delivery.</summary>
    public TransitDays TransitDays { get; init; } = new();
}

internal sealed record WeightBand
{
    public int UpToGrams { get; init; }

    public Money Price { get; init; }
}

internal sealed record TransitDays
{
    public int Min { get; init; }

    public int Max { get; init; }
}
