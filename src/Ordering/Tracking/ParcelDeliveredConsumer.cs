using MassTransit;
using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Marketplace.Ordering.Tracking;

/// <summary>
/// When a parcel is delivered and every parcel of its order is (cancelled labels aside), the order moves to delivered
/// (<see cref="OrderTransition.MarkDelivered"/>, by the system). Each event is applied once (inbox); the parcels are read
/// from Delivery when the event is consumed, after the parcel's own change committed, so of two parcels delivered at
/// once the later event always sees both.
/// </summary>
internal sealed partial class ParcelDeliveredConsumer(OrderingDbContext db, IOrderShipments shipments, TimeProvider clock, ILogger<ParcelDeliveredConsumer> logger)
    : IConsumer<ParcelDelivered>
{
    public const string Actor = "delivery-tracking";

    public Task Consume(ConsumeContext<ParcelDelivered> context) =>
        db.ApplyOnceAsync(context.MessageId, nameof(ParcelDeliveredConsumer), clock, async ct =>
        {
            var message = context.Message;
            var parcels = (await shipments.ParcelsOfAsync(message.OrderId, ct)).Where(p => p.Status != ShipmentStatus.Cancelled).ToList();
            if (parcels.Count == 0 || parcels.Exists(p => p.Status != ShipmentStatus.Delivered))
            {
                return;
            }

            var order = await db.SellerOrders.FirstOrDefaultAsync(o => o.Id == message.OrderId, ct);
            if (order is null)
            {
                return;
            }

            var from = order.Status;
            var outcome = order.Apply(OrderTransition.MarkDelivered, OrderActor.System(Actor), TransitionDetails.None, clock.GetUtcNow());
            if (outcome.Kind == TransitionOutcomeKind.Moved)
            {
                db.PublishMove(order, OrderTransition.MarkDelivered, from, clock);
            }
            else if (outcome.Kind == TransitionOutcomeKind.Refused && order.Status is not OrderStatus.Completed)
            {
                LogNotMoved(logger, order.Id, order.Status.ToString(), outcome.Message ?? "");
            }
        }, context.CancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Every parcel of order {OrderId} is delivered, but the order ({Status}) cannot be marked delivered: {Reason}")]
    private static partial void LogNotMoved(ILogger logger, Guid orderId, string status, string reason);
}
