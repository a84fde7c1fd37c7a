using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Rules;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Quotes;

/// <summary>The calendar of the "delivery" rules in force, as <see cref="DeliveryCalendar"/> counts it for quotes.</summary>
internal sealed class DispatchCalendar(IOptionsMonitor<DeliveryRules> rules) : IDispatchCalendar
{
    public DateOnly DispatchDate(Guid sellerId, DateTimeOffset placedAt, int dispatchDays)
    {
        var inForce = rules.CurrentValue;
        var cutOff = inForce.SellerCutOffs.FirstOrDefault(c => c.SellerId == sellerId)?.Time ?? inForce.CutOff.Time;

        // The transit is not asked for: only the dispatch date of the ETA is.
        return new DeliveryCalendar(inForce).Eta(placedAt, cutOff, Math.Max(0, dispatchDays), new TransitDays { Min = 0, Max = 0 }).DispatchDate;
    }
}
