using MassTransit;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// Settles a group when its payment's outcome arrives after checkout answered: a 3-D Secure step completed, failed or
/// abandoned. The events are the ones Stripe's webhooks will produce, so the provider can change without Ordering
/// changing. Applied once per message through the inbox. An outcome answered to the checkout that asked for it
/// (<see cref="PaymentAuthorized.AnsweredInline"/>) is left to that checkout, or to the sweeper when it stopped first.
/// </summary>
internal sealed class PaymentOutcomeConsumer(OrderingDbContext db, GroupSettlement settlement, IPayments payments, TimeProvider clock)
    : IConsumer<PaymentAuthorized>, IConsumer<PaymentFailed>, IConsumer<PaymentCanceled>
{
    public async Task Consume(ConsumeContext<PaymentAuthorized> context)
    {
        if (context.Message.AnsweredInline)
        {
            // The checkout that asked settles it (and the sweeper, should it stop first): settling here too would only race it.
            return;
        }

        OrderGroup? settled = null;
        var applied = await WithGroupAsync(context, context.Message.OrderGroupId, async (group, ct) =>
        {
            await settlement.PlaceAsync(group, context.Message.PaymentId, ct);
            if (group.Orders.All(o => o.Status == OrderStatus.Cancelled))
            {
                // Authorised for orders that can no longer be placed (abandoned, or their stock hold lapsed): release the hold.
                await payments.VoidAsync(context.Message.PaymentId, ct);
            }

            settled = group;
        });

        // Only once the placed orders are saved: the customer's cart loses what they bought, as at a checkout paid at once.
        if (applied && settled is not null)
        {
            await settlement.RemoveOrderedFromCartAsync(settled, null, context.CancellationToken);
        }
    }

    public Task Consume(ConsumeContext<PaymentFailed> context) => context.Message.AnsweredInline
        ? Task.CompletedTask
        : WithGroupAsync(context, context.Message.OrderGroupId, async (group, ct) =>
        {
            group.PaymentDeclineReason ??= context.Message.Reason;
            await settlement.CancelUnpaidAsync(group, OrderTransition.PaymentFailed, GroupPaymentStatus.Declined, context.Message.Reason, ct);
        });

    public Task Consume(ConsumeContext<PaymentCanceled> context) =>
        WithGroupAsync(context, context.Message.OrderGroupId, (group, ct) => settlement.CancelUnpaidAsync(
            group,
            OrderTransition.PaymentAbandoned,
            GroupPaymentStatus.Canceled,
            context.Message.Reason == PaymentCancelReason.ActionAbandoned ? "The payment's 3-D Secure step was not completed in time." : "The payment was released.",
            ct));

    private Task<bool> WithGroupAsync(ConsumeContext context, Guid groupId, Func<OrderGroup, CancellationToken, Task> settle) =>
        db.ApplyOnceAsync(context.MessageId, nameof(PaymentOutcomeConsumer), clock, async ct =>
        {
            // A payment for a checkout that was refused before its payment was asked for has no group; nothing to do.
            var group = await db.OrderGroups.Include(g => g.Orders).ThenInclude(o => o.Lines).FirstOrDefaultAsync(g => g.Id == groupId, ct);
            if (group is not null)
            {
                await settle(group, ct);
            }
        }, context.CancellationToken);
}
