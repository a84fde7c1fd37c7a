using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Sellers.Deliver;

internal static class DeliverOrder
{
    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid orderId, HttpContext http, OrderingDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        OrderMoves.RunAsync(db, http, clock, SellerOrders.Own(sellerId, orderId), OrderTransition.MarkDelivered, OrderActor.Seller(sellerId), TransitionDetails.None, cancellationToken);
}
