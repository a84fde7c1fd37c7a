using Marketplace.Cart.Contracts;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Deadlines;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;

namespace Marketplace.Ordering.Checkout.Settlement;

/// <summary>
/// What follows a payment's outcome for a group, whether checkout hears it at once or Payments' events bring it later:
/// authorised, each order is placed and its stock sold; declined or abandoned, each order is cancelled, its stock and
/// its promo-code uses given back. Every step is safe to repeat (the transition table recognises a repeat, Catalog and
/// Cart settle once per id), so a redelivered event changes nothing. The caller saves.
/// </summary>
internal sealed class GroupSettlement(
    OrderingDbContext db, IStockReservations reservations, IPromoCodeUsage promoCodes, ICartCheckout carts, DeadlineSchedule deadlines, TimeProvider clock)
{
    public const string Component = "checkout";

    /// <summary>
    /// Settles the group as its payment now stands: authorised, placed; declined, cancelled with the provider's reason;
    /// canceled, abandoned; waiting for the customer's action, marked so. Checkout applies the answer of its authorise
    /// call; the sweeper applies what Payments says of a checkout that stopped before it could.
    /// </summary>
    /// <returns>False when an order was left for its payment to place (see <see cref="CancelUnpaidAsync"/>).</returns>
    public async Task<bool> ApplyOutcomeAsync(OrderGroup group, PaymentState payment, CancellationToken cancellationToken)
    {
        group.PaymentId = payment.PaymentId;
        switch (payment.Status)
        {
            case PaymentStatus.Authorized:
                await PlaceAsync(group, payment.PaymentId, cancellationToken);
                return true;
            case PaymentStatus.Declined:
                group.PaymentDeclineReason = payment.Decline?.Reason;
                return await CancelUnpaidAsync(group, OrderTransition.PaymentFailed, GroupPaymentStatus.Declined,
                    payment.Decline?.Reason ?? "The payment was declined.", cancellationToken);
            case PaymentStatus.Canceled:
                return await CancelUnpaidAsync(group, OrderTransition.PaymentAbandoned, GroupPaymentStatus.Canceled, "The payment was canceled.", cancellationToken);
            case PaymentStatus.RequiresAction when group.PaymentStatus == GroupPaymentStatus.Pending:
                group.PaymentStatus = GroupPaymentStatus.RequiresAction;
                return true;
            default:
                return true;
        }
    }

    public async Task PlaceAsync(OrderGroup group, Guid paymentId, CancellationToken cancellationToken)
    {
        group.PaymentId ??= paymentId;
        group.PaymentStatus = GroupPaymentStatus.Authorized;
        var pending = group.Orders.Where(o => o.Status == OrderStatus.PendingPayment).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var commits = await reservations.CommitAsync(pending.Select(o => o.Id).ToList(), cancellationToken);
        foreach (var order in pending)
        {
            if (commits[order.Id] != SettleOutcome.Done)
            {
                // The hold lapsed before the payment settled (a 3-D Secure step completed after the reservation expired):
                // the units may be sold to someone else, so this order cannot be placed.
                Move(order, OrderTransition.PaymentAbandoned, "The stock hold expired before the payment was completed.");
                continue;
            }

            if (Move(order, OrderTransition.PaymentAuthorized, null))
            {
                deadlines.Open(db, order, order.PlacedAt!.Value);
            }
        }
    }

    /// <summary>
    /// Cancels the group's unpaid orders and gives back their stock and promo-code uses. An order whose units Catalog
    /// has already sold stays as it is: only an authorised payment sells them (<see cref="PlaceAsync"/>), so the process
    /// that sold them died (or is still running) between Catalog's commit and its own save, and that payment's
    /// <c>PaymentAuthorized</c> places the order. Cancelling it would keep its units sold for an order nobody gets.
    /// </summary>
    /// <returns>False when an order was left for its payment to place; the group's payment status is then unchanged.</returns>
    public async Task<bool> CancelUnpaidAsync(OrderGroup group, OrderTransition transition, GroupPaymentStatus paymentStatus, string reason, CancellationToken cancellationToken)
    {
        var sold = false;
        foreach (var order in group.Orders)
        {
            if (order.Status == OrderStatus.PendingPayment)
            {
                if (await reservations.ReleaseAsync(order.Id, Trim(reason), cancellationToken) == SettleOutcome.AlreadySold)
                {
                    sold = true;
                    continue;
                }

                Move(order, transition, reason);
            }
        }

        if (sold)
        {
            return false;
        }

        group.PaymentStatus = paymentStatus;
        await promoCodes.ReleasePlacedOrderAsync(group.Id, cancellationToken);
        return true;
    }

    /// <summary>
    /// Takes the placed orders' lines out of the cart they were bought from, once the group is saved. Cart does it once
    /// per group, so checkout and a payment event that both get here remove the lines once.
    /// </summary>
    public async Task RemoveOrderedFromCartAsync(OrderGroup group, CheckoutCaller? caller, CancellationToken cancellationToken)
    {
        var ordered = group.Orders.Where(o => o.Status == OrderStatus.Placed).SelectMany(o => o.Lines).Select(l => (l.OfferId, l.Quantity)).ToList();
        if (ordered.Count > 0 && (caller ?? carts.CallerOfOwnerKey(group.CartOwner, group.CustomerId)) is { } owner)
        {
            await carts.RemoveOrderedAsync(owner, group.Id, ordered, cancellationToken);
        }
    }

    private bool Move(SellerOrder order, OrderTransition transition, string? reason)
    {
        var from = order.Status;
        var outcome = order.Apply(transition, OrderActor.System(Component), new TransitionDetails(Reason: reason), clock.GetUtcNow());
        if (outcome.Kind != TransitionOutcomeKind.Moved)
        {
            return false;
        }

        db.PublishMove(order, transition, from, clock);
        return true;
    }

    private static string Trim(string reason) => reason.Length <= 200 ? reason : reason[..200];
}
