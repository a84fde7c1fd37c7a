using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Reading;

/// <summary>
/// A parcel's timeline with its arrival window as its tracking stands now. Carriers' tracking carries no estimate of its
/// own (CDEK's statuses have none), so the window is the quote's, kept up to date by what the carrier reports:
/// <list type="bullet">
/// <item>handed over later than the quote planned: the window moves on by as many days (an earlier handover keeps it:
/// the carrier's own working days, not ours, decide whether it gains a day);</item>
/// <item>at a pickup point, out for delivery or delivered: that day;</item>
/// <item>a failed attempt: not before the next day;</item>
/// <item>still on its way when the window has passed, or partly passed: it starts today.</item>
/// </list>
/// </summary>
internal sealed class ParcelTimelines(IDispatchCalendar calendar, TimeProvider clock)
{
    public ParcelResponse Of(TrackedParcel parcel, SellerOrder order, bool forSeller)
    {
        var (earliest, latest) = Eta(parcel, order, PlannedDispatch(order), DateOf(clock.GetUtcNow()));
        return ParcelResponse.From(parcel, order, forSeller, earliest, latest);
    }

    /// <summary>The day the quote expected the seller to hand the order over, counted as the quote counted it.</summary>
    private DateOnly PlannedDispatch(SellerOrder order) =>
        calendar.DispatchDate(order.SellerId, order.PlacedAt ?? order.CreatedAt, order.Delivery.DispatchDays);

    public static (DateOnly Earliest, DateOnly Latest) Eta(TrackedParcel parcel, SellerOrder order, DateOnly plannedDispatch, DateOnly today)
    {
        var (earliest, latest) = (order.Delivery.EtaEarliest, order.Delivery.EtaLatest);
        var handedOver = parcel.Events.FirstOrDefault(e => e.Status is not (ShipmentStatus.LabelCreated or ShipmentStatus.Cancelled));
        if (handedOver is not null)
        {
            var shift = Math.Max(0, DateOf(handedOver.At).DayNumber - plannedDispatch.DayNumber);
            (earliest, latest) = (earliest.AddDays(shift), latest.AddDays(shift));
        }

        var last = parcel.Events.LastOrDefault(e => e.Status == parcel.Status);
        switch (parcel.Status)
        {
            case ShipmentStatus.Delivered or ShipmentStatus.AtPickupPoint or ShipmentStatus.OutForDelivery when last is not null:
                var day = DateOf(last.At);
                return (day, day);
            case ShipmentStatus.Returned or ShipmentStatus.Cancelled:
                return (earliest, latest);
            case ShipmentStatus.FailedAttempt when last is not null:
                earliest = Later(earliest, DateOf(last.At).AddDays(1));
                break;
        }

        earliest = Later(earliest, today);
        return (earliest, Later(latest, earliest));
    }

    private static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}
