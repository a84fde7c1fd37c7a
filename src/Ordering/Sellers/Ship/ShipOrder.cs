using FluentValidation;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Sellers.Ship;

/// <summary>How the order left.</summary>
/// <param name="Carrier">The carrier that took the parcels; required unless the seller delivers itself.</param>
/// <param name="TrackingNumber">The carrier's tracking number; required with a carrier.</param>
public sealed record ShipOrderRequest(string? Carrier, string? TrackingNumber);

internal sealed class ShipOrderRequestValidator : AbstractValidator<ShipOrderRequest>
{
    public ShipOrderRequestValidator()
    {
        RuleFor(r => r.Carrier).MaximumLength(100);
        RuleFor(r => r.TrackingNumber).MaximumLength(100);
    }
}

internal static class ShipOrder
{
    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid orderId, ShipOrderRequest request, HttpContext http, OrderingDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        OrderMoves.RunAsync(db, http, clock, SellerOrders.Own(sellerId, orderId), OrderTransition.MarkShipped, OrderActor.Seller(sellerId),
            new TransitionDetails(Carrier: request.Carrier, TrackingNumber: request.TrackingNumber), cancellationToken);
}
