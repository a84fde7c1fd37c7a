using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Performance;

/// <summary>How a seller keeps its promises, over the orders it was placed within the window of the "fulfilment" rules.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="WindowStart">Orders placed from this moment on are counted (<c>performanceWindow</c> of the rules "fulfilment").</param>
/// <param name="WindowEnd">Until now.</param>
/// <param name="OrdersPlaced">Orders placed in the window.</param>
/// <param name="DispatchesDue">Of those, the orders shipped, or whose ship-by deadline passed before they shipped.</param>
/// <param name="DispatchedOnTime">Of those, the orders shipped by their ship-by deadline.</param>
/// <param name="ShipDeadlinesMissed">Orders the ship-by timer flagged, shipped later or not at all.</param>
/// <param name="OnTimeDispatchRate">DispatchedOnTime / DispatchesDue, from 0 to 1; null while nothing was due.</param>
/// <param name="CancelledBySeller">Orders the seller rejected or did not accept by their accept-by deadline.</param>
/// <param name="AcceptDeadlinesMissed">Of those, the orders cancelled because they were not accepted in time.</param>
/// <param name="CancellationRate">CancelledBySeller / OrdersPlaced, from 0 to 1; null while nothing was placed.</param>
/// <param name="LateDeliveries">Orders not delivered by their deliver-by deadline.</param>
public sealed record SellerPerformanceResponse(
    Guid SellerId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int OrdersPlaced,
    int DispatchesDue,
    int DispatchedOnTime,
    int ShipDeadlinesMissed,
    decimal? OnTimeDispatchRate,
    int CancelledBySeller,
    int AcceptDeadlinesMissed,
    decimal? CancellationRate,
    int LateDeliveries)
{
    internal SellerPerformanceChanged ToEvent() => new(
        SellerId, WindowStart, WindowEnd, OrdersPlaced, DispatchesDue, DispatchedOnTime, OnTimeDispatchRate, CancelledBySeller, CancellationRate, LateDeliveries);
}

/// <summary>Counts a seller's performance from its orders (one aggregate over its orders placed in the window).</summary>
internal static class SellerPerformance
{
    public static async Task<SellerPerformanceResponse> OfAsync(OrderingDbContext db, Guid sellerId, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = now - window;
        var counts = await db.SellerOrders.AsNoTracking()
            .Where(o => o.SellerId == sellerId && o.PlacedAt != null && o.PlacedAt >= from)

            // Flattened first: the aggregates cannot reach into the owned deadlines themselves.
            .Select(o => new
            {
                o.Status,
                o.LastTransition,
                o.ShippedAt,
                o.Sla.ShipBy,
                o.Sla.ShipMissedAt,
                o.Sla.DeliveryLateAt,
            })
            .GroupBy(o => 1)
            .Select(g => new
            {
                Placed = g.Count(),
                DispatchesDue = g.Count(o => o.ShippedAt != null || o.ShipMissedAt != null),
                OnTime = g.Count(o => o.ShippedAt != null && o.ShipMissedAt == null && (o.ShipBy == null || o.ShippedAt <= o.ShipBy)),
                ShipMissed = g.Count(o => o.ShipMissedAt != null),
                CancelledBySeller = g.Count(o => o.Status == OrderStatus.Cancelled
                    && (o.LastTransition == OrderTransition.Reject || o.LastTransition == OrderTransition.AcceptDeadlineMissed)),
                AcceptMissed = g.Count(o => o.Status == OrderStatus.Cancelled && o.LastTransition == OrderTransition.AcceptDeadlineMissed),
                LateDeliveries = g.Count(o => o.DeliveryLateAt != null),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (counts is null)
        {
            return new SellerPerformanceResponse(sellerId, from, now, 0, 0, 0, 0, null, 0, 0, null, 0);
        }

        return new SellerPerformanceResponse(
            sellerId, from, now, counts.Placed, counts.DispatchesDue, counts.OnTime, counts.ShipMissed, Rate(counts.OnTime, counts.DispatchesDue),
            counts.CancelledBySeller, counts.AcceptMissed, Rate(counts.CancelledBySeller, counts.Placed), counts.LateDeliveries);
    }

    private static decimal? Rate(int part, int whole) => whole == 0 ? null : Math.Round((decimal)part / whole, 4);
}

/// <summary>The seller's performance, for the seller itself (member or API key) and for staff.</summary>
internal static class ReadSellerPerformance
{
    public static async Task<Ok<SellerPerformanceResponse>> Handle(
        Guid sellerId, OrderingDbContext db, IOptionsMonitor<FulfilmentRules> rules, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SellerPerformance.OfAsync(db, sellerId, rules.CurrentValue.PerformanceWindow, clock.GetUtcNow(), cancellationToken));
}
