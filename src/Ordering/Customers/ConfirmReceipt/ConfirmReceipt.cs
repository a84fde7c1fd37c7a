using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Customers.ConfirmReceipt;

internal static class ConfirmReceipt
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid orderId, HttpContext http, OrderingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!OrderBuyer.TryRead(http, out var buyer, out var refusal))
        {
            return refusal!;
        }

        return await OrderMoves.RunAsync(db, http, clock, buyer.Owns(db, orderId), OrderTransition.ConfirmReceipt, buyer.Actor, TransitionDetails.None, cancellationToken);
    }
}
