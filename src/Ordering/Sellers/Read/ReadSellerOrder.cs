using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Sellers.Read;

internal static class ReadSellerOrder
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid orderId, HttpContext http, OrderingDbContext db, IOrderShipments shipments, ParcelTimelines timelines, CancellationToken cancellationToken)
    {
        var order = await OrderMoves.Load(db).AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == orderId && o.SellerId == sellerId && o.Status != OrderStatus.PendingPayment, cancellationToken);
        if (order is null)
        {
            return OrderMoves.NotFound();
        }

        ETag.Set(http.Response, order.Version);
        var parcels = await shipments.ParcelsOfAsync(order.Id, cancellationToken);
        return TypedResults.Ok(OrderResponse.From(order) with { Parcels = [.. parcels.Select(p => timelines.Of(p, order, forSeller: true))] });
    }
}
