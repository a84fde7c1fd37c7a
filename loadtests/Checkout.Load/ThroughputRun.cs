using System.Diagnostics;

namespace Marketplace.Checkout.Load;

/// <summary>
/// Checkouts of multi-seller carts at a fixed arrival rate. Set-up (sellers, offers, carts, quotes) and a warm-up are
/// not measured; the measured phase sends one prepared checkout per scheduled slot and prints one RESULT line.
/// </summary>
internal static class ThroughputRun
{
    public static async Task<int> RunAsync(LoadOptions options, Storefront storefront, CancellationToken cancellationToken)
    {
        var carts = await PrepareAsync(options, storefront, options.Warmup + options.MeasuredCheckouts, cancellationToken);

        if (options.Warmup > 0)
        {
            var warm = carts.Take(options.Warmup).ToList();
            var warmOutcomes = new Outcome[warm.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, warm.Count),
                new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (i, _) => warmOutcomes[i] = await OpenLoad.SendAsync(storefront.Http, warm[i], Stopwatch.GetTimestamp()));
            var refused = warmOutcomes.Where(o => o.Status != 201).ToList();
            var warmLatency = new Latencies(warmOutcomes.Select(o => o.Milliseconds));
            Log($"warm-up: {warm.Count} checkouts, 4 at a time, {warm.Count - refused.Count} placed, p50 {Latencies.Format(warmLatency.Percentile(50))} ms" +
                (refused.Count > 0 ? ", others " + Latencies.Breakdown(refused) : ""));
        }

        var measured = carts.Skip(options.Warmup).ToList();
        Log($"measuring: {measured.Count} checkouts at {options.Rate:F0}/s for {options.DurationSeconds:F0} s");
        var cpu = CpuMeter.Start(options.CpuPid);
        var run = await OpenLoad.FireAsync(storefront.Http, measured, options.Rate);
        var report = Report(options, run, cpu?.Elapsed());
        Console.WriteLine(report.Line);
        if (options.TargetRps is not null || options.TargetP95Ms is not null)
        {
            Console.WriteLine(report.Target);
        }

        return 0;
    }

    /// <summary>
    /// The bench through the API, not measured: <c>--sellers</c> sellers put up <c>--offers-per-seller</c> offers each,
    /// and <paramref name="count"/> guest carts of <c>--lines</c> lines are made and quoted.
    /// </summary>
    public static async Task<IReadOnlyList<PreparedCheckout>> PrepareAsync(LoadOptions options, Storefront storefront, int count, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sellers = await BenchSellers.OpenAsync(storefront, options.Sellers, cancellationToken);
        var skus = await BenchSellers.LightSkusAsync(storefront, options.OffersPerSeller, options.SetupConcurrency, cancellationToken);
        var offers = new List<IReadOnlyList<Guid>>();
        foreach (var (sellerId, n) in sellers.SellerIds.Select((id, n) => (id, n)))
        {
            // The first offer waits until Catalog knows the seller; the rest go in parallel.
            var first = await sellers.OfferAsync(sellerId, skus[0], Price(n, 0), 1_000_000, cancellationToken);
            var rest = new Guid[skus.Count - 1];
            await Parallel.ForEachAsync(
                Enumerable.Range(1, skus.Count - 1),
                new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
                async (i, ct) => rest[i - 1] = await sellers.OfferAsync(sellerId, skus[i], Price(n, i), 1_000_000, ct));
            offers.Add([first, .. rest]);
        }

        Log($"{options.Sellers} bench sellers with {options.OffersPerSeller} offers each ({clock.Elapsed.TotalSeconds:F1} s)");

        var carts = await CartMaker.MakeAsync(
            storefront, offers, options.Warmup + options.MeasuredCheckouts, options.Lines, options.SetupConcurrency, cancellationToken);
        Log($"{carts.Count} carts of {options.Lines} lines from {options.Sellers} sellers made and quoted ({clock.Elapsed.TotalSeconds:F1} s)");

        return carts;
    }

    private static (string Line, string Target) Report(LoadOptions options, OpenLoad.Run run, (double? Process, double Machine)? cpu)
    {
        var outcomes = run.Outcomes;
        var placed = outcomes.Where(o => o.Status == 201).ToList();
        var busy = outcomes.Where(o => o.Status == 503).ToList();
        var conflicts = outcomes.Where(o => o.Status == 409).ToList();
        var errors = outcomes.Where(o => o.Status == 0).ToList();
        var others = outcomes.Where(o => o.Status is not (0 or 201 or 409 or 503)).ToList();
        var placedLatency = new Latencies(placed.Select(o => o.Milliseconds));
        var busyLatency = new Latencies(busy.Select(o => o.Milliseconds));

        // Placed per second over the span from the first due time to the last placed answer, so a tail of slow answers
        // after the last send lowers the figure rather than being left out.
        var span = placed.Count == 0 ? 1 : OpenLoad.Milliseconds(placed.Max(o => o.CompletedAt) - run.StartedAt) / 1000;
        var placedPerSecond = placed.Count / Math.Max(span, options.DurationSeconds);
        var refusals = conflicts.Concat(others).Concat(errors).ToList();
        var line = new ResultLine("RESULT")
            .Add("scenario", options.Label).Add("offered_rps", (int)Math.Round(options.Rate)).Add("duration_s", (int)Math.Round(options.DurationSeconds))
            .Add("sent", outcomes.Count).Add("placed", placed.Count).Add("placed_rps", placedPerSecond)
            .Add("p50_ms", placedLatency.Percentile(50)).Add("p95_ms", placedLatency.Percentile(95))
            .Add("p99_ms", placedLatency.Percentile(99)).Add("max_ms", placedLatency.Max)
            .Add("busy_503", busy.Count).Add("busy_share_pct", 100.0 * busy.Count / Math.Max(1, outcomes.Count))
            .Add("busy_p50_ms", busyLatency.Percentile(50)).Add("busy_p99_ms", busyLatency.Percentile(99))
            .Add("busy_without_retry_after", busy.Count(o => !o.HasRetryAfter))
            .AddWhen(busy.Count > 0, "busy_codes", Latencies.Breakdown(busy))
            .Add("conflict_409", conflicts.Count).Add("other", others.Count).Add("errors", errors.Count)
            .Add("launch_lag_max_ms", run.MaxLaunchLagMs)
            .AddWhen(cpu?.Process is not null, "api_cpu_ms_per_placed", 1000 * cpu?.Process / Math.Max(1, placed.Count))
            .AddWhen(cpu is not null, "machine_cpu_ms_per_placed", 1000 * cpu?.Machine / Math.Max(1, placed.Count))
            .AddWhen(refusals.Count > 0, "refusals", Latencies.Breakdown(refusals))
            .ToString();

        var rpsMet = options.TargetRps is not { } rps || placedPerSecond >= rps * 0.99;
        var p95Met = options.TargetP95Ms is not { } p95 || placedLatency.Percentile(95) < p95;
        var target = new ResultLine("TARGET")
            .Add("scenario", options.Label).Add("placed_rps_at_least", options.TargetRps).Add("p95_ms_below", options.TargetP95Ms)
            .Add("placed_rps", placedPerSecond).Add("p95_ms", placedLatency.Percentile(95)).Add("refused", busy.Count + refusals.Count)
            .Add("verdict", rpsMet && p95Met && busy.Count + refusals.Count == 0 ? "PASS" : "FAIL")
            .ToString();
        return (line, target);
    }

    /// <summary>Prices that differ per offer, so carts total differently, with the two decimals EUR allows.</summary>
    private static decimal Price(int seller, int offer) => 5m + seller + (offer % 90) * 0.25m;

    private static void Log(string message) => Console.Error.WriteLine($"[checkout-load] {message}");
}
