using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace Marketplace.Checkout.Load;

/// <summary>
/// Checkouts and storefront reads through the balancer while loadtests/cluster.sh kills and restarts replicas. Both run
/// at a fixed arrival rate (open model). A checkout that got no answer, or a 502, 503 or 504, or found its key still in
/// use, is sent again with the same Idempotency-Key, as a real client would, until it is answered or 60 s pass; a read
/// is sent once. Every attempt is written to <c>--record</c> (one tab-separated line each) with the wall-clock time it
/// was sent, so the script can split failures by what it did to the cluster at that moment and compare the placed
/// checkouts with the orders in the database.
/// </summary>
internal static class ClusterRun
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(LoadOptions options, Storefront storefront, CancellationToken cancellationToken)
    {
        var prepared = await ThroughputRun.PrepareAsync(options, storefront, options.Warmup + options.MeasuredCheckouts, cancellationToken);
        var reads = await ReadPathsAsync(storefront, cancellationToken);

        // Every replica's JIT, pools and caches warm through the balancer first, so the measured phase shows the kill and
        // the restarts rather than three processes starting cold; nothing here is recorded.
        var warmup = new System.Collections.Concurrent.ConcurrentQueue<Attempt>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Warmup),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                await CheckoutAsync(storefront.Http, prepared[i], warmup);
                await ReadAsync(storefront.Http, reads[i % reads.Count], warmup);
            });
        Log($"warm-up: {options.Warmup} checkouts and reads, {warmup.Count(a => a.Kind == "checkout" && a.Status == 201)} placed");
        var carts = prepared.Skip(options.Warmup).ToList();
        var readCount = (int)Math.Ceiling(options.ReadRate * options.DurationSeconds);
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<Attempt>();

        if (options.ReadyFile is { } ready)
        {
            // The script starts its kills and restarts from this moment.
            await File.WriteAllTextAsync(ready, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), cancellationToken);
        }

        Log($"measuring: {carts.Count} checkouts at {options.Rate:F0}/s and {readCount} reads at {options.ReadRate:F0}/s for {options.DurationSeconds:F0} s");
        var checkoutRun = OpenLoad.ScheduleAsync(carts.Count, options.Rate, "cluster checkouts", (i, _) => CheckoutAsync(storefront.Http, carts[i], attempts));
        var readRun = OpenLoad.ScheduleAsync(readCount, options.ReadRate, "cluster reads", (i, _) => ReadAsync(storefront.Http, reads[i % reads.Count], attempts));
        var placed = (await checkoutRun).Results;
        await readRun;

        if (options.RecordFile is { } record)
        {
            var text = new StringBuilder("kind\tkey\tsent_unix_ms\tattempt\tstatus\tcode\tms\n");
            foreach (var a in attempts.OrderBy(a => a.SentUnixMs))
            {
                text.Append(CultureInfo.InvariantCulture, $"{a.Kind}\t{a.Key}\t{a.SentUnixMs}\t{a.Number}\t{a.Status}\t{a.Code}\t{a.Milliseconds:F1}\n");
            }

            await File.WriteAllTextAsync(record, text.ToString(), cancellationToken);
        }

        var all = attempts.ToList();
        var failedReads = all.Count(a => a.Kind == "read" && !IsSuccess(a.Status));
        var failedCheckoutAttempts = all.Count(a => a.Kind == "checkout" && ShouldRetry(a.Status, a.Code));
        Console.WriteLine(new ResultLine("RESULT")
            .Add("scenario", options.Label).Add("checkouts", carts.Count).Add("placed", placed.Count(p => p == 201))
            .Add("unplaced", placed.Count(p => p != 201)).Add("checkout_attempts", all.Count(a => a.Kind == "checkout"))
            .Add("failed_checkout_attempts", failedCheckoutAttempts).Add("reads", all.Count(a => a.Kind == "read")).Add("failed_reads", failedReads)
            .ToString());
        return 0;
    }

    private static async Task<int> CheckoutAsync(HttpClient http, PreparedCheckout checkout, System.Collections.Concurrent.ConcurrentQueue<Attempt> attempts)
    {
        var key = Guid.NewGuid().ToString("N");
        var giveUp = Stopwatch.GetTimestamp() + (long)(GiveUpAfter.TotalSeconds * Stopwatch.Frequency);
        for (var number = 1; ; number++)
        {
            var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var outcome = await OpenLoad.SendAsync(http, checkout, Stopwatch.GetTimestamp(), key);
            attempts.Enqueue(new Attempt("checkout", key, sent, number, outcome.Status, outcome.Code, outcome.Milliseconds));
            if (!ShouldRetry(outcome.Status, outcome.Code) || Stopwatch.GetTimestamp() > giveUp)
            {
                return outcome.Status;
            }

            // A 503 is the replica saying it is full (it sends Retry-After: 1). No answer, a 502 or a 504 is the balancer
            // losing a replica: backing off exponentially with jitter, as clients should, so that a moment with no
            // replica does not become a storm of retries the moment one is back.
            var backoff = outcome.Status == 503 ? 1000 : Math.Min(5000, 200 * Math.Pow(2, number - 1));
            await Task.Delay(TimeSpan.FromMilliseconds(backoff * (0.5 + (Random.Shared.NextDouble() / 2))));
        }
    }

    private static async Task<int> ReadAsync(HttpClient http, string path, System.Collections.Concurrent.ConcurrentQueue<Attempt> attempts)
    {
        var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var started = Stopwatch.GetTimestamp();
        int status;
        string? code = null;
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            status = (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            (status, code) = (0, exception is TaskCanceledException ? "timeout" : exception.GetType().Name);
        }

        attempts.Enqueue(new Attempt("read", path, sent, 1, status, code, OpenLoad.Milliseconds(Stopwatch.GetTimestamp() - started)));
        return status;
    }

    /// <summary>What a client sends again under the same key: no answer, the balancer's or a replica's "not now", or the key still running.</summary>
    private static bool ShouldRetry(int status, string? code) => status is 0 or 502 or 503 or 504 || code == "idempotency_key_in_use";

    private static bool IsSuccess(int status) => status is >= 200 and < 400;

    /// <summary>Product pages and listing pages of in-stock products, read in turn.</summary>
    private static async Task<IReadOnlyList<string>> ReadPathsAsync(Storefront storefront, CancellationToken cancellationToken)
    {
        var page = await storefront.Http.GetFromJsonAsync<ListingPage>("api/v1/products?inStock=true&limit=100", Storefront.Json, cancellationToken)
            ?? throw new SetupFailedException("the product listing answered nothing");
        if (page.Items.Count == 0)
        {
            throw new SetupFailedException("no product in stock to read; seed the catalog first");
        }

        return [.. page.Items.SelectMany(p => new[] { $"api/v1/products/{p.Id}", $"api/v1/products?limit=20&sort=price_asc&q={Uri.EscapeDataString(p.Title.Split(' ')[0])}" })];
    }

    private static void Log(string message) => Console.Error.WriteLine($"[checkout-load] {message}");

    private sealed record Attempt(string Kind, string Key, long SentUnixMs, int Number, int Status, string? Code, double Milliseconds);

    private sealed record ListingPage(IReadOnlyList<ListedProduct> Items);

    private sealed record ListedProduct(Guid Id, string Title);
}
