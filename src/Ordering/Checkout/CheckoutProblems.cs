using Marketplace.Cart.Contracts;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Checkout.Idempotency;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Checkout;

/// <summary>The refusals of checkout, each a problem+json that names what changed or what is missing.</summary>
internal static class CheckoutProblems
{
    /// <summary>404 for a guest cart that is gone; 409 naming each line's issue for a cart that cannot be bought as it is; null when it can.</summary>
    public static ProblemHttpResult? Unbuyable(CheckoutCart? cart)
    {
        if (cart is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cart not found",
                detail: "The guest cart named by X-Cart-Token no longer exists.");
        }

        if (cart.CanCheckout && cart.Currency is not null && cart.Total is not null)
        {
            return null;
        }

        var issues = cart.Sellers.SelectMany(s => s.Lines)
            .Where(l => l.Issues.Count > 0)
            .Select(l => new { offerId = l.OfferId, skuCode = l.SkuCode, quantity = l.Quantity, availableStock = l.AvailableStock, issues = l.Issues.Select(i => i.ToString()).ToList() })
            .ToList();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: issues.Count == 0 ? "The cart is empty" : "The cart cannot be checked out as it is",
            detail: issues.Count == 0 ? "Add lines to the cart first." : "Some lines changed since they were added; read the cart, fix them, and check out again.",
            extensions: new Dictionary<string, object?> { ["code"] = issues.Count == 0 ? "cart_empty" : "cart_lines_changed", ["lines"] = issues });
    }

    public static ProblemHttpResult PriceChanged(CheckoutCart cart, decimal? expectedTotal, decimal total) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The cart's prices changed",
            detail: expectedTotal is { } seen
                ? $"The total is now {total} {cart.Currency}, not {seen}. Nothing was reserved; confirm the new total and check out again."
                : "The cart's prices differ from the ones the fingerprint was taken of. Nothing was reserved; confirm the new prices and check out again.",
            extensions: new Dictionary<string, object?> { ["code"] = "price_changed", ["total"] = total, ["cart"] = cart });

    public static ProblemHttpResult Delivery(string code, string detail, Guid? sellerId) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The delivery choice no longer holds",
            detail: detail + " Quote again (POST /api/v1/checkout/quote) and check out with the new quote.",
            extensions: new Dictionary<string, object?> { ["code"] = code, ["field"] = "delivery", ["sellerId"] = sellerId });

    public static ProblemHttpResult PromoCodesExhausted(IReadOnlyList<PromoCodeRefusal> refused) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "A promo code can no longer be used",
            detail: string.Join(" ", refused.Select(r => $"{r.Code}: {r.Reason}.")) + " Nothing was reserved; remove the code and check out again.",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "promo_code_exhausted",
                ["promoCodes"] = refused.Select(r => new { code = r.Code, reason = r.Reason.ToString() }).ToList(),
            });

    public static ProblemHttpResult OutOfStock(IReadOnlyList<ShortLine> lines) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Not enough stock",
            detail: string.Join(" ", lines.Select(l => l.OfferExists
                ? $"Offer {l.OfferId}: {l.Requested} asked, {l.Available} available."
                : $"Offer {l.OfferId} is no longer sold.")) + " Nothing was reserved.",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "out_of_stock",
                ["lines"] = lines.Select(l => new { offerId = l.OfferId, requested = l.Requested, available = l.Available, offerExists = l.OfferExists }).ToList(),
            });

    /// <summary>
    /// 503 with Retry-After for a checkout that stopped before it held anything or asked for money: it ran out of its stock
    /// hold's lifetime, or its process had not beaten for two intervals. Sets the header on <paramref name="response"/>.
    /// </summary>
    public static ProblemHttpResult TooSlow(TimeSpan retryAfter, HttpResponse response)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The checkout took too long",
            detail: $"It was too slow to go on safely (its stock hold would have expired, or the server handling it lost touch); nothing was reserved or charged. Try again in {seconds} s with the same Idempotency-Key.",
            extensions: new Dictionary<string, object?> { ["code"] = "checkout_too_slow" });
    }

    public static ProblemHttpResult KeyRunning() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "A checkout with this Idempotency-Key is still running",
            detail: "Wait for its answer, then repeat the request with the same key to read it.",
            extensions: new Dictionary<string, object?> { ["code"] = "idempotency_key_in_use" });

    public static ProblemHttpResult KeyReused() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "This Idempotency-Key was used with another request",
            detail: "A key stands for one checkout: repeat the first request unchanged to read its answer, or use a new key for a new checkout.",
            extensions: new Dictionary<string, object?> { ["code"] = "idempotency_key_reused" });

    public static ProblemHttpResult KeyMissing(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Idempotency-Key is required",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [IdempotencyKeys.Header] = [detail] } });
}
