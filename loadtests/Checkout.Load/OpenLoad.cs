using System.Diagnostics;
using System.Text.Json;

namespace Marketplace.Checkout.Load;

/// <summary>What one checkout answered and how long it took from its scheduled start.</summary>
/// <param name="Status">The HTTP status; 0 when no answer came (timeout, connection refused).</param>
/// <param name="Milliseconds">From the moment the request was due to the end of the answer's body.</param>
/// <param name="CompletedAt">Stopwatch ticks when the answer was read.</param>
/// <param name="HasRetryAfter">Whether the answer carried Retry-After.</param>
/// <param name="Code">The problem's <c>code</c> of a refusal, or the error's type when no answer came.</param>
internal readonly record struct Outcome(int Status, double Milliseconds, long CompletedAt, bool HasRetryAfter, string? Code);

/// <summary>
/// Fires checkouts at a fixed arrival rate (open model): request i is due at start + i / rate and is sent then whether or
/// not earlier ones have been answered, so a slow server meets more requests in flight rather than a politely slower
/// client. Latency counts from the due time, so any lag of the generator itself is charged, never hidden.
/// </summary>
internal static class OpenLoad
{
    public sealed record Run(IReadOnlyList<Outcome> Outcomes, long StartedAt, double MaxLaunchLagMs);

    public static async Task<Run> FireAsync(HttpClient http, IReadOnlyList<PreparedCheckout> checkouts, double rate)
    {
        var (outcomes, startedAt, maxLagMs) = await ScheduleAsync(checkouts.Count, rate, "checkout schedule", (i, due) => SendAsync(http, checkouts[i], due));
        return new Run(outcomes, startedAt, maxLagMs);
    }

    /// <summary>
    /// Starts <paramref name="count"/> sends at <paramref name="rate"/> per second, send i due at the start plus i / rate,
    /// each whether or not earlier ones were answered; returns every send's result, the start, and the largest launch lag.
    /// </summary>
    public static async Task<(T[] Results, long StartedAt, double MaxLaunchLagMs)> ScheduleAsync<T>(int count, double rate, string name, Func<int, long, Task<T>> send)
    {
        var sends = new Task<T>[count];
        var ticksApart = Stopwatch.Frequency / rate;
        var startedAt = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        double maxLagMs = 0;

        // A thread of its own: on a busy thread pool the schedule would slip behind the work it schedules.
        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < sends.Length; i++)
            {
                var due = startedAt + (long)(i * ticksApart);
                // Sleeping in 1 ms steps rather than spinning leaves the cores to the API; the lag this adds is
                // counted in the latency and reported.
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.Sleep(1);
                }

                maxLagMs = Math.Max(maxLagMs, Milliseconds(Stopwatch.GetTimestamp() - due));
                var index = i;
                sends[i] = Task.Run(() => send(index, due));
            }
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = name };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        return (await Task.WhenAll(sends), startedAt, maxLagMs);
    }

    /// <summary>Sends one checkout with a new Idempotency-Key; a 503 is left as it is (the overload run counts them).</summary>
    public static async Task<Outcome> SendAsync(HttpClient http, PreparedCheckout checkout, long due, string? idempotencyKey = null)
    {
        try
        {
            using var request = Storefront.CheckoutRequest(checkout, idempotencyKey ?? Guid.NewGuid().ToString("N"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var completedAt = Stopwatch.GetTimestamp();
            var status = (int)response.StatusCode;
            string? code = null;
            if (status != 201)
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                code = ProblemCode(body);
            }

            return new Outcome(status, Milliseconds(completedAt - due), completedAt, response.Headers.RetryAfter is not null, code);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            var completedAt = Stopwatch.GetTimestamp();
            return new Outcome(0, Milliseconds(completedAt - due), completedAt, false, exception is TaskCanceledException ? "timeout" : exception.GetType().Name);
        }
    }

    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static string? ProblemCode(byte[] body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
