using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Refunds.Issue;
using Marketplace.Payments.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Refunds.Restock;

/// <summary>
/// What follows a refund Payments confirmed (<see cref="PaymentRefunded"/>), whoever finished it: the request that asked,
/// or Payments' sweeper carrying on a refund whose process died before the provider answered. A refund of Ordering's still
/// pending is closed and its Idempotency-Key answered, as the request would have; and the units of a refund made before
/// the order shipped go back to stock. Cancellation refunds are not Ordering's (the cancellation restocked the order).
/// Each step decides a repeat itself (the refund closes by one conditional update, Catalog returns units once per refund
/// id), and closing a refund runs its own transaction, so this consumer needs no inbox row of its own.
/// </summary>
internal sealed class RefundedUnitsRestock(OrderingDbContext db, RefundIssuing issuing, IStockReservations reservations) : IConsumer<PaymentRefunded>
{
    public async Task Consume(ConsumeContext<PaymentRefunded> context)
    {
        var ct = context.CancellationToken;
        var refund = await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == context.Message.RefundId, ct);
        if (refund is null)
        {
            return;
        }

        if (refund.Status == OrderRefundStatus.Pending)
        {
            await issuing.CarryOnAsync(refund.Id, ct);
            refund = await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, ct);
        }

        if (refund is not { Status: OrderRefundStatus.Refunded, Restocked: true })
        {
            return;
        }

        var units = await db.Set<OrderRefundLine>().AsNoTracking()
            .Where(l => l.RefundId == refund.Id)
            .Join(db.OrderLines, r => r.LineId, l => l.Id, (r, l) => new ReservedLine(l.OfferId, r.Quantity))
            .ToListAsync(ct);
        if (units.Count > 0)
        {
            // The seller order's id is its reservation's id.
            await reservations.ReturnUnitsAsync(refund.OrderId, refund.Id, units, "Refunded before the order shipped.", ct);
        }
    }
}
