using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Checkout.Place;

internal static class PlaceOrder
{
    public static Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> Handle(
        PlaceOrderRequest request, HttpContext http, OrderPlacement placement, CancellationToken cancellationToken) =>
        placement.PlaceAsync(request, http, cancellationToken);
}
