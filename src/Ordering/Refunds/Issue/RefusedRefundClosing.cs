using MassTransit;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Refunds.Issue;

/// <summary>
/// Closes a refund of Ordering's still pending when Payments says the provider refused it (<see cref="PaymentRefundRefused"/>):
/// the request that asked never learned the outcome (the provider's answer was lost, and Payments' sweeper carried the
/// refund on later). Carrying it on asks Payments again under the same refund id, which answers the refusal it
/// recorded; the refund is then closed as refused, its units and amount are the order's to refund again, and its
/// Idempotency-Key answers the refusal, exactly as the request would have. A repeat finds the refund closed.
/// </summary>
internal sealed class RefusedRefundClosing(OrderingDbContext db, RefundIssuing issuing) : IConsumer<PaymentRefundRefused>
{
    public async Task Consume(ConsumeContext<PaymentRefundRefused> context)
    {
        var pending = await db.Refunds.AsNoTracking()
            .AnyAsync(r => r.Id == context.Message.RefundId && r.Status == OrderRefundStatus.Pending, context.CancellationToken);
        if (pending)
        {
            await issuing.CarryOnAsync(context.Message.RefundId, context.CancellationToken);
        }
    }
}
