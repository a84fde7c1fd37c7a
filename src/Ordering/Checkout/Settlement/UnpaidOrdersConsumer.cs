using MassTransit;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// Cancels the seller orders whose money is gone before anyone fulfils them unpaid: every placed or accepted order of a
/// group whose authorisation lapsed uncaptured (<see cref="PaymentAuthorizationLapsed"/>), and every one a capture left
/// out (<see cref="PaymentCaptured.CapturedOrderIds"/>: not accepted when the capture deadline came, so its share was
/// released). Each move is an ordinary cancellation with its history row and its <c>OrderCancelled</c>, so the stock comes
/// back (<see cref="OrderCancelledConsumer"/>), the buyer is mailed and the seller told (Notifications). Once per message,
/// through the inbox; a redelivery finds the orders cancelled and moves nothing.
/// </summary>
internal sealed class UnpaidOrdersConsumer(OrderingDbContext db, TimeProvider clock)
    : IConsumer<PaymentAuthorizationLapsed>, IConsumer<PaymentCaptured>
{
    public const string Component = "payments";

    public const string LapsedReason = "The payment authorisation lapsed before it was captured; nothing was charged.";

    public const string NotCapturedReason = "The order was not accepted before the payment had to be captured; nothing was charged for it.";

    public Task Consume(ConsumeContext<PaymentAuthorizationLapsed> context) =>
        CancelAsync(context, context.Message.OrderGroupId, context.Message.PaymentId, [], OrderTransition.PaymentAuthorizationLapsed, LapsedReason);

    public Task Consume(ConsumeContext<PaymentCaptured> context) =>
        CancelAsync(context, context.Message.OrderGroupId, context.Message.PaymentId, context.Message.CapturedOrderIds, OrderTransition.PaymentNotCaptured, NotCapturedReason);

    private Task<bool> CancelAsync(ConsumeContext context, Guid groupId, Guid paymentId, IReadOnlyList<Guid> paid, OrderTransition transition, string reason) =>
        db.ApplyOnceAsync(context.MessageId, nameof(UnpaidOrdersConsumer), clock, async ct =>
        {
            var group = await db.OrderGroups.Include(g => g.Orders).FirstOrDefaultAsync(g => g.Id == groupId, ct);

            // A group paid by another payment than this one is not this payment's to settle.
            if (group is null || (group.PaymentId is { } own && own != paymentId))
            {
                return;
            }

            var now = clock.GetUtcNow();
            foreach (var order in group.Orders.Where(o => o.Status is OrderStatus.Placed or OrderStatus.Accepted && !paid.Contains(o.Id)))
            {
                var from = order.Status;
                if (order.Apply(transition, OrderActor.System(Component), new TransitionDetails(Reason: reason), now).Kind == TransitionOutcomeKind.Moved)
                {
                    db.PublishMove(order, transition, from, clock);
                }
            }

            // A seller's move saved meanwhile fails this save by the order's version: the message is retried and reads it.
        }, context.CancellationToken);
}
