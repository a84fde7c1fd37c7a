using System.Linq.Expressions;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Sellers;
using Marketplace.Ordering.Transitions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Refunds.List;

/// <summary>An order's refunds, as its seller or staff read them.</summary>
internal static class ListRefunds
{
    public static Task<Results<Ok<OrderRefundsResponse>, ProblemHttpResult>> ForSeller(Guid sellerId, Guid orderId, OrderingDbContext db, CancellationToken cancellationToken) =>
        ListAsync(db, SellerOrders.Own(sellerId, orderId), cancellationToken);

    public static Task<Results<Ok<OrderRefundsResponse>, ProblemHttpResult>> ForStaff(Guid orderId, OrderingDbContext db, CancellationToken cancellationToken) =>
        ListAsync(db, o => o.Id == orderId && o.Status != OrderStatus.PendingPayment, cancellationToken);

    private static async Task<Results<Ok<OrderRefundsResponse>, ProblemHttpResult>> ListAsync(
        OrderingDbContext db, Expression<Func<SellerOrder, bool>> order, CancellationToken cancellationToken)
    {
        var found = await db.SellerOrders.AsNoTracking().Where(order)
            .Select(o => new { o.Id, o.Currency, o.Total, o.RefundedAmount, o.Status })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return OrderMoves.NotFound();
        }

        var refunds = await db.Refunds.AsNoTracking().Include(r => r.Lines)
            .Where(r => r.OrderId == found.Id)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        var refundable = found.Status == OrderStatus.Cancelled ? 0m : found.Total - found.RefundedAmount;
        return TypedResults.Ok(new OrderRefundsResponse(found.Id, found.Currency, found.Total, found.RefundedAmount, refundable, [.. refunds.Select(RefundResponse.From)]));
    }
}
