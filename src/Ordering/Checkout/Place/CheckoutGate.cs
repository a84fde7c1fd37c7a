using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Place;

/// <summary>
/// Backpressure on checkout: at most <c>Ordering:MaxCheckoutsInFlight</c> run at once on a replica; the ones beyond are
/// answered 503 with Retry-After at once, rather than queued until they time out, so the accepted ones keep their latency.
/// </summary>
internal sealed class CheckoutGate(IOptions<OrderingOptions> options) : IEndpointFilter, IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxCheckoutsInFlight, options.Value.MaxCheckoutsInFlight);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!_slots.Wait(0))
        {
            var retryAfter = Math.Max(1, (int)Math.Ceiling(options.Value.CheckoutRetryAfter.TotalSeconds));
            context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many checkouts at once",
                detail: $"Try again in {retryAfter} s with the same Idempotency-Key.");
        }

        try
        {
            return await next(context);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
