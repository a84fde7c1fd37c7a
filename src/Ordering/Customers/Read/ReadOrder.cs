using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Customers.Read;

internal static class ReadOrder
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid orderId, HttpContext http, OrderingDbContext db, IOrderShipments shipments, ParcelTimelines timelines, CancellationToken cancellationToken)
    {
        if (!OrderBuyer.TryRead(http, out var buyer, out var refusal))
        {
            return refusal!;
        }

        var order = await OrderMoves.Load(db).AsNoTracking().Where(buyer.Owns(db, orderId)).FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return OrderMoves.NotFound();
        }

        ETag.Set(http.Response, order.Version);
        var parcels = await shipments.ParcelsOfAsync(order.Id, cancellationToken);
        return TypedResults.Ok(OrderResponse.From(order) with { Parcels = [.. parcels.Select(p => timelines.Of(p, order, forSeller: false))] });
    }
}
