using Marketplace.Cart.Contracts;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Checkout.Quote;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering;

/// <summary>
/// Checkout, for guests (the cart by <c>X-Cart-Token</c>) and signed-in customers (the cart by the bearer): quote the
/// delivery, then place the order with an Idempotency-Key.
/// </summary>
internal static class CheckoutApi
{
    public static RouteGroupBuilder MapCheckoutApi(this RouteGroupBuilder api)
    {
        var checkout = api.MapGroup("/checkout")
            .WithTags("Checkout")
            .AllowAnonymous()
            .RequireHeaderToken(CartCredentials.GuestTokenOrCustomer)
            .NeverStored()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        checkout.MapPost("/quote", QuoteCheckout.Handle)
            .WithName("QuoteCheckout")
            .WithSummary("The cart's delivery options per seller to an address, and its totals, held under a quote id until it expires")
            .WithDescription("Nothing is reserved or ordered; the quote is stored so that checkout can hold the customer to its prices. " +
                "409 when the cart cannot be checked out as it is (empty, or lines whose offer changed).")
            .Validate<QuoteCheckoutRequest>();
        checkout.MapPost("/", PlaceOrder.Handle)
            .WithName("PlaceOrder")
            .WithSummary("Check out the cart: one order per seller, stock reserved, promo codes counted, payment authorised; needs an Idempotency-Key")
            .WithDescription(
                $"{IdempotencyKeys.Header} is required (400 without it). A repeat with the same key and body replays the first answer (status and body); " +
                "the same key with another body is 422; a repeat while the first still runs waits for its answer (409 if it takes too long). Keys are kept 24 hours per cart owner. " +
                "409 when the total or the cart's prices changed (with the new priced cart), when a quote expired, is unknown or was for another address, " +
                "when a promo code's uses are spent, or when a line is short of stock (each line named with the units available); nothing is reserved then. " +
                "402 when the payment is declined, with the provider's reason; nothing stays reserved. 201 with payment status requires_action and the next action " +
                "when the payment needs the customer (3-D Secure); the orders are placed or cancelled when the payment settles. A guest's answer carries the order access token.")
            // One gate per replica (a singleton): a filter type given here would be made anew per request. It is checkout's
            // budget: its queue waits within its own bound, holding none of the permits sellers' writes need.
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<CheckoutGate>().InvokeAsync(context, next))
            .WithOwnConcurrencyBudget()
            .Validate<PlaceOrderRequest>()
            .WithMetadata(
                IdempotencyKeys.Documented("The same key and body replay the first answer; another body under the key is 422."),
                new ResponseHeaderDoc(StatusCodes.Status201Created, IdempotencyKeys.ReplayedHeader, "true when this is the stored answer to an earlier request with the same key."))
            .Produces<CheckoutResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }
}
