using CsCheck;
using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Parcels;
using Marketplace.Delivery.Quotes;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Quotes;

/// <summary>What holds for any seller group, not only the table's: packing loses no unit and overfills no parcel, and every service answers once.</summary>
public sealed class PackingPropertyTests
{
    private const int Iterations = 2000;

    private static readonly Gen<DeliveryItem> AnyItem =
        from grams in Gen.Int[1, 26_000]
        from length in Gen.Int[1, 1200]
        from width in Gen.Int[1, 700]
        from height in Gen.Int[1, 700]
        from quantity in Gen.Int[1, 6]
        from dispatch in Gen.Int[0, 5]
        select new DeliveryItem(Guid.NewGuid(), quantity, grams, length, width, height, dispatch);

    private static readonly Gen<DeliveryItem[]> AnyGroup = AnyItem.Array[1, 6];

    [Fact]
    public void Packing_keeps_every_unit_and_only_a_lone_unit_may_pass_the_maximum_weight()
    {
        var courier = TestRules.Rules.Services.Single(s => s.Id == "courier");
        AnyGroup.Sample(items =>
        {
            var packing = ParcelPacking.Pack(items, courier);
            if (packing.Refusal is not null)
            {
                return true;
            }

            return packing.Parcels.Sum(p => p.Units) == items.Sum(i => i.Quantity)
                   && packing.Parcels.Sum(p => (long)p.ActualGrams) == items.Sum(i => (long)i.WeightGrams * i.Quantity)
                   && packing.Parcels.All(p => p.Units == 1 || (p.ActualGrams <= courier.MaxParcelWeightGrams && p.ChargeableGrams <= courier.MaxParcelWeightGrams))
                   && packing.Parcels.All(p => p.ChargeableGrams >= p.ActualGrams);
        }, iter: Iterations);
    }

    [Fact]
    public void Every_service_answers_once_and_every_option_has_parcels_an_ordered_eta_and_costs_nothing_when_free()
    {
        AnyGroup.Select(Gen.Bool).Sample((items, free) =>
        {
            var grant = free ? new FreeDeliveryGrant("free", "Free") : null;
            var quote = RulesQuoting.Quote(TestRules.Rules, Input(To("DE", "10115"), TuesdayMorning, items, grant), "rules");
            return quote.Options.All(o =>
                o.RegularPrice.Amount >= 0m
                && o.Parcels >= 1
                && (o.FreeDelivery is null ? o.Price == o.RegularPrice : o.Price.Amount == 0m)
                && o.Eta.DispatchDate <= o.Eta.Earliest && o.Eta.Earliest <= o.Eta.Latest)
                && quote.Options.Count + quote.Unavailable.Count == TestRules.Rules.Services.Count;
        }, iter: Iterations);
    }
}
