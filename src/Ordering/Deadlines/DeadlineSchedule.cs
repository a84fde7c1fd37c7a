using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Deadlines;

/// <summary>
/// Sets an order's deadlines when it is placed, by the "fulfilment" rules in force then: accept by (placement plus
/// <c>acceptWithin</c>), ship by (the dispatch date that Delivery's calendar counts from placement and the offer's
/// dispatch days, at <c>shipCutOff</c>, plus <c>shipGrace</c>) and deliver by (the end of the quote's latest ETA day, plus
/// <c>deliveryGrace</c>), and opens a timer for each, in the same save as the placement.
/// </summary>
internal sealed class DeadlineSchedule(IOptionsMonitor<FulfilmentRules> rules, IDispatchCalendar calendar)
{
    public void Open(OrderingDbContext db, SellerOrder order, DateTimeOffset placedAt)
    {
        var dispatchDate = calendar.DispatchDate(order.SellerId, placedAt, order.Delivery.DispatchDays);
        var plan = Plan(rules.CurrentValue, placedAt, dispatchDate, order.Delivery.EtaLatest);
        (order.Sla.AcceptBy, order.Sla.ShipBy, order.Sla.DeliverBy) = plan;
        db.OrderDeadlines.AddRange(
            new OrderDeadline { OrderId = order.Id, SellerId = order.SellerId, Kind = DeadlineKind.AcceptBy, DueAt = plan.AcceptBy },
            new OrderDeadline { OrderId = order.Id, SellerId = order.SellerId, Kind = DeadlineKind.ShipBy, DueAt = plan.ShipBy },
            new OrderDeadline { OrderId = order.Id, SellerId = order.SellerId, Kind = DeadlineKind.DeliverBy, DueAt = plan.DeliverBy });
    }

    public static (DateTimeOffset AcceptBy, DateTimeOffset ShipBy, DateTimeOffset DeliverBy) Plan(
        FulfilmentRules rules, DateTimeOffset placedAt, DateOnly dispatchDate, DateOnly etaLatest)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(rules.ShipCutOff.TimeZone);
        var acceptBy = placedAt + rules.AcceptWithin;

        // A ship cut-off earlier in the day than the order cut-off can put a same-day dispatch before the order itself;
        // a seller always has at least its accept window to ship, and a parcel cannot be late before it could leave.
        var shipBy = Max(LocalMoment(dispatchDate, rules.ShipCutOff.Time, zone) + rules.ShipGrace, acceptBy);
        var deliverBy = Max(LocalMoment(etaLatest.AddDays(1), TimeOnly.MinValue, zone) + rules.DeliveryGrace, shipBy);
        return (acceptBy, shipBy, deliverBy);
    }

    private static DateTimeOffset LocalMoment(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Skipped by a clock change: the same wall-clock time an hour on exists.
            local = local.AddHours(1);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
