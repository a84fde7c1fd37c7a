namespace Marketplace.Delivery;

/// <summary>Limits and timings of the delivery module, bound from the <c>Delivery</c> configuration section.</summary>
internal sealed class DeliverySettings
{
    /// <summary>How long checkout may hold a customer to a quoted price.</summary>
    public TimeSpan QuoteLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an expired quote is kept (so checkout can say "expired" rather than "unknown") before it is purged.</summary>
    public TimeSpan ExpiredQuoteRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often expired quotes past their retention are deleted.</summary>
    public TimeSpan QuotePurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Most seller groups one quote may hold.</summary>
    public int MaxSellerGroups { get; set; } = 50;

    /// <summary>Most items (cart lines) one seller group may hold.</summary>
    public int MaxItemsPerGroup { get; set; } = 100;

    /// <summary>Most units one seller group may hold: packing works unit by unit.</summary>
    public int MaxUnitsPerGroup { get; set; } = 1000;

    /// <summary>Heaviest unit, in grams (the Catalog's own limit on a SKU is the same by default).</summary>
    public int MaxUnitWeightGrams { get; set; } = 1_000_000;

    /// <summary>Longest side of a unit, in mm (the Catalog's own limit on a SKU is the same by default).</summary>
    public int MaxUnitDimensionMm { get; set; } = 10_000;

    /// <summary>Longest dispatch promise, in working days (the Catalog's own limit on an offer is the same by default).</summary>
    public int MaxDispatchDays { get; set; } = 60;

    /// <summary>Most lines of an address, and the longest line, city and postal code.</summary>
    public int MaxAddressLines { get; set; } = 4;

    public int MaxAddressLineLength { get; set; } = 200;

    public int MaxPostalCodeLength { get; set; } = 16;

    /// <summary>Longest order reference a shipment may carry.</summary>
    public int MaxOrderReferenceLength { get; set; } = 100;

    /// <summary>Most parcels one shipping request may hold.</summary>
    public int MaxParcelsPerShipment { get; set; } = 20;

    /// <summary>How often the tracking poll looks for quiet parcels.</summary>
    public TimeSpan TrackingPollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A parcel on its way with no news for this long is asked about by polling (the fallback when webhooks are lost).</summary>
    public TimeSpan TrackingQuietAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most parcels one poll asks about.</summary>
    public int TrackingPollBatchSize { get; set; } = 100;

    /// <summary>Largest carrier webhook body read, in bytes.</summary>
    public int MaxWebhookBytes { get; set; } = 64 * 1024;
}
