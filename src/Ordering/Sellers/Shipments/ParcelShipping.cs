using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Sellers.Shipments;

/// <summary>What shipping parcels of an order came to.</summary>
internal abstract record ShippingResult
{
    private ShippingResult()
    {
    }

    /// <summary>The parcels exist, and the order is shipped; <paramref name="Repeated"/> when an earlier identical request made them.</summary>
    public sealed record Shipped(ShipmentResponse Response, bool Repeated) : ShippingResult;

    /// <summary>No order with this id is the seller's.</summary>
    public sealed record NotFound : ShippingResult;

    /// <summary>The order is not accepted or shipped: nothing was shipped.</summary>
    public sealed record WrongStatus(OrderStatus Status) : ShippingResult;

    /// <summary>Bad input, or the carrier refused a parcel: by field; nothing was shipped.</summary>
    public sealed record Invalid(IDictionary<string, string[]> Errors) : ShippingResult;

    /// <summary>The key carried another request before.</summary>
    public sealed record KeyReused : ShippingResult;

    /// <summary>The carrier did not answer; the same request later carries on.</summary>
    public sealed record CarrierDown(string Carrier) : ShippingResult;
}

/// <summary>
/// Ships parcels of a seller's order, for the single route and for the bulk one. Delivery owns the parcels (booked with
/// the order's carrier, or the seller's own tracking numbers) and their idempotency per (seller, key); Ordering owns the
/// order, which the first shipment moves to shipped through the transition table (<see cref="OrderTransition.MarkShipped"/>).
/// A request that shipped its parcels but stopped before the move (process killed) moves the order when repeated.
/// </summary>
internal static class ParcelShipping
{
    /// <summary>Attempts at the order's move when a concurrent change of the order wins the version check.</summary>
    private const int MaxMoveAttempts = 3;

    public static async Task<ShippingResult> ShipAsync(
        OrderingDbContext db,
        IOrderShipments shipments,
        ParcelTimelines timelines,
        TimeProvider clock,
        Guid sellerId,
        Guid orderId,
        string key,
        ShipParcelsRequest request,
        CancellationToken cancellationToken)
    {
        var order = await db.SellerOrders.AsNoTracking().FirstOrDefaultAsync(SellerOrders.Own(sellerId, orderId), cancellationToken);
        if (order is null)
        {
            return new ShippingResult.NotFound();
        }

        if (order.Status is not (OrderStatus.Accepted or OrderStatus.Shipped))
        {
            return new ShippingResult.WrongStatus(order.Status);
        }

        var address = await db.OrderGroups.AsNoTracking().Where(g => g.Id == order.GroupId).Select(g => g.ShippingAddress).SingleAsync(cancellationToken);
        var ship = new ShipOrderParcels(
            order.Id,
            sellerId,
            key,
            order.DeliveryKind == DeliveryKind.SellerOwnDelivery ? null : order.Delivery.CarrierId,
            order.Delivery.ServiceId,
            new DeliveryAddress(address.Country, address.PostalCode, address.City, address.Lines.Split('\n')),
            new ShipmentRecipient(address.Name, request.RecipientPhone?.Trim() ?? ""),
            request.PickupPointId?.Trim(),
            [.. (request.Parcels ?? []).Select(p => p is null ? null! : new ParcelToShip(p.Carrier?.Trim(), p.TrackingNumber?.Trim(), p.WeightGrams, p.LengthMm, p.WidthMm, p.HeightMm))]);
        ShipOutcome outcome;
        try
        {
            outcome = await shipments.ShipAsync(ship, cancellationToken);
        }
        catch (CarrierUnavailableException e)
        {
            return new ShippingResult.CarrierDown(e.CarrierId);
        }

        switch (outcome)
        {
            case ShipOutcome.KeyReused:
                return new ShippingResult.KeyReused();
            case ShipOutcome.Refused refused:
                return new ShippingResult.Invalid(refused.Errors.ToDictionary(e => FieldOf(e.Key), e => e.Value));
        }

        var shipped = (ShipOutcome.Shipped)outcome;
        var moved = await MarkShippedAsync(db, clock, sellerId, orderId, shipped.Parcels[0], cancellationToken);
        return new ShippingResult.Shipped(
            new ShipmentResponse(orderId, OrderWords.Of(moved.Status), moved.Version, [.. shipped.Parcels.Select(p => timelines.Of(p, moved, forSeller: true))]),
            shipped.Repeated);
    }

    /// <summary>The first shipment moves an accepted order to shipped, with its first parcel's carrier and tracking number.</summary>
    private static async Task<SellerOrder> MarkShippedAsync(
        OrderingDbContext db, TimeProvider clock, Guid sellerId, Guid orderId, TrackedParcel first, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var order = await db.SellerOrders.SingleAsync(o => o.Id == orderId, cancellationToken);
            if (order.Status != OrderStatus.Accepted)
            {
                return order;
            }

            var outcome = order.Apply(OrderTransition.MarkShipped, OrderActor.Seller(sellerId), new TransitionDetails(Carrier: first.Carrier, TrackingNumber: first.TrackingNumber), clock.GetUtcNow());
            if (outcome.Kind != TransitionOutcomeKind.Moved)
            {
                return order;
            }

            db.PublishMove(order, OrderTransition.MarkShipped, OrderStatus.Accepted, clock);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return order;
            }
            catch (DbUpdateException e) when (attempt < MaxMoveAttempts && (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e)))
            {
                // The order moved meanwhile (a concurrent repeat of this request, the customer's cancel): read it again and
                // decide again. The loser may learn it from the version check or from the history row's key (order, version).
            }
        }
    }

    /// <summary>Delivery's field paths in the request's words.</summary>
    private static string FieldOf(string path) => path switch
    {
        _ when path.StartsWith("Recipient", StringComparison.Ordinal) => "recipientPhone",
        _ when path.StartsWith("PickupPointId", StringComparison.Ordinal) => "pickupPointId",
        _ when path.StartsWith("Destination", StringComparison.Ordinal) => "shippingAddress",
        _ when path.StartsWith("CarrierId", StringComparison.Ordinal) => "parcels",
        _ when path.StartsWith("RequestKey", StringComparison.Ordinal) => "Idempotency-Key",
        _ => char.ToLowerInvariant(path[0]) + path[1..],
    };
}
