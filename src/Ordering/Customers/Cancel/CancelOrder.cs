using FluentValidation;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Ordering.Transitions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Customers.Cancel;

/// <summary>Why the customer cancels.</summary>
/// <param name="Reason">Optional, up to 300 characters; the seller sees it.</param>
public sealed record CancelOrderRequest(string? Reason);

internal sealed class CancelOrderRequestValidator : AbstractValidator<CancelOrderRequest>
{
    public CancelOrderRequestValidator() => RuleFor(r => r.Reason).MaximumLength(OrderingDbContext.MaxTextLength);
}

internal static class CancelOrder
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid orderId, CancelOrderRequest? request, HttpContext http, OrderingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!OrderBuyer.TryRead(http, out var buyer, out var refusal))
        {
            return refusal!;
        }

        return await OrderMoves.RunAsync(db, http, clock, buyer.Owns(db, orderId), OrderTransition.Cancel, buyer.Actor,
            new TransitionDetails(Reason: string.IsNullOrWhiteSpace(request?.Reason) ? "Cancelled by the customer." : request.Reason), cancellationToken);
    }
}
