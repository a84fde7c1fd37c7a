using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;

namespace Marketplace.Delivery.Parcels;

/// <summary>A parcel as a service would carry it.</summary>
/// <param name="Units">Units in it.</param>
/// <param name="ActualGrams">What its units weigh together.</param>
/// <param name="VolumeMm3">Its units' volumes together.</param>
/// <param name="ChargeableGrams">The larger of the actual weight and the volumetric weight (volume ÷ the service's divisor).</param>
internal sealed record Parcel(int Units, int ActualGrams, long VolumeMm3, int ChargeableGrams)
{
    /// <summary>Units per SKU in it: carriers that list a package's goods (CDEK) need them.</summary>
    public IReadOnlyDictionary<Guid, int> Contents { get; init; } = new Dictionary<Guid, int>();
}

/// <summary>The parcels of a group for one service, or why the service cannot carry it.</summary>
internal sealed record Packing(IReadOnlyList<Parcel> Parcels, UnavailableReason? Refusal, string? RefusalDetail)
{
    public static Packing Refused(UnavailableReason reason, string detail) => new([], reason, detail);
}

/// <summary>
/// Makes a seller group's parcels for one service: first-fit decreasing by chargeable weight. Each unit must itself
/// fit the service (weight, longest side, length plus girth, sum of sides); units then go, heaviest-chargeable first,
/// into the first parcel whose actual and chargeable weight stay within the service's maximum, else into a new one.
/// A parcel's volume is the sum of its units' volumes: how units nest inside a box is not modelled. A single unit
/// whose volumetric weight alone passes the maximum still ships, alone, if its sides fit.
/// </summary>
internal static class ParcelPacking
{
    public static Packing Pack(IReadOnlyList<DeliveryItem> items, CarrierService service)
    {
        foreach (var item in items)
        {
            var refusal = UnitRefusal(item, service);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        var units = items
            .Select(item => (Item: item, Chargeable: Chargeable(item.WeightGrams, Volume(item), service.VolumetricDivisor)))
            .OrderByDescending(u => u.Chargeable)
            .ThenBy(u => u.Item.SkuId);
        var open = new List<OpenParcel>();
        foreach (var (item, _) in units)
        {
            var volume = Volume(item);
            for (var n = 0; n < item.Quantity; n++)
            {
                var target = open.Find(p => p.Takes(item.WeightGrams, volume, service));
                if (target is null)
                {
                    target = new OpenParcel();
                    open.Add(target);
                }

                target.Add(item.SkuId, item.WeightGrams, volume);
            }
        }

        return new Packing(open.Select(p => p.Close(service.VolumetricDivisor)).ToList(), null, null);
    }

    /// <summary>Volumetric weight in grams: mm³ ÷ (cm³ per kg) is grams, rounded up as carriers do.</summary>
    public static int Chargeable(long actualGrams, long volumeMm3, int divisor)
    {
        var volumetric = (volumeMm3 + divisor - 1) / divisor;
        return (int)Math.Min(int.MaxValue, Math.Max(actualGrams, volumetric));
    }

    private static long Volume(DeliveryItem item) => (long)item.LengthMm * item.WidthMm * item.HeightMm;

    private static Packing? UnitRefusal(DeliveryItem item, CarrierService service)
    {
        if (item.WeightGrams > service.MaxParcelWeightGrams)
        {
            return Packing.Refused(UnavailableReason.TooHeavy,
                $"SKU {item.SkuId} weighs {item.WeightGrams} g; {service.Name} carries parcels up to {service.MaxParcelWeightGrams} g.");
        }

        int[] sides = [item.LengthMm, item.WidthMm, item.HeightMm];
        Array.Sort(sides);
        var longest = sides[2];
        if (longest > service.MaxLongestSideMm)
        {
            return Packing.Refused(UnavailableReason.TooBig,
                $"SKU {item.SkuId} is {longest} mm long; {service.Name} takes at most {service.MaxLongestSideMm} mm.");
        }

        var lengthPlusGirth = longest + (2L * (sides[0] + sides[1]));
        if (service.MaxLengthPlusGirthMm is { } maxGirth && lengthPlusGirth > maxGirth)
        {
            return Packing.Refused(UnavailableReason.TooBig,
                $"SKU {item.SkuId} measures {lengthPlusGirth} mm in length plus girth; {service.Name} takes at most {maxGirth} mm.");
        }

        var sum = (long)sides[0] + sides[1] + sides[2];
        if (service.MaxSumOfSidesMm is { } maxSum && sum > maxSum)
        {
            return Packing.Refused(UnavailableReason.TooBig,
                $"SKU {item.SkuId} measures {sum} mm in its three sides together; {service.Name} takes at most {maxSum} mm.");
        }

        return null;
    }

    private sealed class OpenParcel
    {
        private int _units;
        private long _grams;
        private long _volume;
        private readonly Dictionary<Guid, int> _contents = [];

        public bool Takes(int grams, long volume, CarrierService service) =>
            _grams + grams <= service.MaxParcelWeightGrams
            && Chargeable(_grams + grams, _volume + volume, service.VolumetricDivisor) <= service.MaxParcelWeightGrams;

        public void Add(Guid skuId, int grams, long volume)
        {
            _contents[skuId] = _contents.GetValueOrDefault(skuId) + 1;
            _units++;
            _grams += grams;
            _volume += volume;
        }

        public Parcel Close(int divisor) => new(_units, (int)_grams, _volume, Chargeable(_grams, _volume, divisor)) { Contents = _contents };
    }
}
