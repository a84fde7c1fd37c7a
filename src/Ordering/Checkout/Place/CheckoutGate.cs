using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Place;

/// <summary>
/// Backpressure on checkout: at most <c>Ordering:MaxCheckoutsInFlight</c> run at once on a replica. A checkout beyond
/// them waits for a slot in a short, bounded queue (<c>MaxCheckoutsQueued</c> places, <c>CheckoutQueueWait</c> at most),
/// so a moment's stall (a collection, a replica taking over its peer's share) costs latency, not a failed checkout.
/// When the queue is full, or its wait runs out, the checkout is answered 503 with Retry-After rather than kept waiting
/// until the client times out, so under a sustained overload the accepted ones keep their latency.
/// Each refusal counts in <c>marketplace.checkouts.refused</c> by reason: <c>queue_full</c>, <c>wait_expired</c> or
/// <c>client_left</c>.
/// </summary>
internal sealed class CheckoutGate(IOptions<OrderingOptions> options, OrderingMetrics metrics) : IEndpointFilter, IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxCheckoutsInFlight, options.Value.MaxCheckoutsInFlight);
    private int _queued;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!_slots.Wait(0) && await QueueAsync(context.HttpContext.RequestAborted) is { } refusal)
        {
            metrics.CheckoutRefused(refusal);
            return Refused(context.HttpContext);
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

    /// <summary>Waits for a slot when the queue has room: null once one is taken, else the reason it was not.</summary>
    private async Task<string?> QueueAsync(CancellationToken requestAborted)
    {
        var settings = options.Value;
        if (settings.CheckoutQueueWait <= TimeSpan.Zero)
        {
            return "queue_full";
        }

        if (Interlocked.Increment(ref _queued) > settings.MaxCheckoutsQueued)
        {
            Interlocked.Decrement(ref _queued);
            return "queue_full";
        }

        try
        {
            return await _slots.WaitAsync(settings.CheckoutQueueWait, requestAborted) ? null : "wait_expired";
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            // The client left while waiting: nothing ran, and nobody reads the answer.
            return "client_left";
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private ProblemHttpResult Refused(HttpContext http)
    {
        var retryAfter = Math.Max(1, (int)Math.Ceiling(options.Value.CheckoutRetryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Too many checkouts at once",
            detail: $"Try again in {retryAfter} s with the same Idempotency-Key.");
    }

    public void Dispose() => _slots.Dispose();
}
