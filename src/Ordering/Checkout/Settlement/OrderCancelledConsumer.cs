using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// When a placed order is cancelled (the seller rejected it, the customer cancelled it), its sold units go back to stock
/// (held units of an order cancelled before its payment settled are released);
/// when every order of the group is cancelled, the payment's hold is released. Through the outbox and the inbox, so a
/// cancellation is never lost and never restocks twice.
/// </summary>
internal sealed class OrderCancelledConsumer(OrderingDbContext db, IStockReservations reservations, IPayments payments, TimeProvider clock)
    : IConsumer<OrderCancelled>
{
    public Task Consume(ConsumeContext<OrderCancelled> context) =>
        db.ApplyOnceAsync(context.MessageId, nameof(OrderCancelledConsumer), clock, async ct =>
        {
            var message = context.Message;
            if (message.WasPlaced)
            {
                await reservations.RestockAsync(message.OrderId, $"Order cancelled: {message.Transition}.", ct);
            }
            else
            {
                // Cancelled while its payment was still open (a 3-D Secure step): its units are held, not sold.
                await reservations.ReleaseAsync(message.OrderId, $"Order cancelled: {message.Transition}.", ct);
            }

            var group = await db.OrderGroups.AsNoTracking().Include(g => g.Orders).FirstOrDefaultAsync(g => g.Id == message.OrderGroupId, ct);
            if (group is { PaymentId: { } paymentId } && group.Orders.All(o => o.Status == OrderStatus.Cancelled))
            {
                await payments.VoidAsync(paymentId, ct);
            }
        }, context.CancellationToken);
}
