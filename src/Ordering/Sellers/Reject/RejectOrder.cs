using FluentValidation;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Sellers.Reject;

/// <summary>Why the seller refuses the order.</summary>
/// <param name="Reason">Required, up to 300 characters; the customer sees it.</param>
public sealed record RejectOrderRequest(string? Reason);

internal sealed class RejectOrderRequestValidator : AbstractValidator<RejectOrderRequest>
{
    public RejectOrderRequestValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(OrderingDbContext.MaxTextLength);
}

internal static class RejectOrder
{
    public static Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid orderId, RejectOrderRequest request, HttpContext http, OrderingDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        OrderMoves.RunAsync(db, http, clock, SellerOrders.Own(sellerId, orderId), OrderTransition.Reject, OrderActor.Seller(sellerId),
            new TransitionDetails(Reason: request.Reason), cancellationToken);
}
