using System.Diagnostics;

namespace Marketplace.Checkout.Load;

/// <summary>
/// Many buyers at once for the few units of one offer: a fresh offer of <c>--units</c> units, one cart of one unit per
/// buyer, every checkout released at the same instant. Passes when exactly that many orders were placed, everyone else
/// was told 409 out_of_stock, the offer's stock ends at 0 and was never seen below it.
/// </summary>
internal static class ContentionRun
{
    /// <summary>How often a 503 (too many checkouts in flight) is repeated, as a client honouring Retry-After would.</summary>
    private const int MaxAttempts = 30;

    public static async Task<int> RunAsync(LoadOptions options, Storefront storefront, CancellationToken cancellationToken)
    {
        var sellers = await BenchSellers.OpenAsync(storefront, 1, cancellationToken);
        var sellerId = sellers.SellerIds[0];
        var sku = (await BenchSellers.LightSkusAsync(storefront, 1, options.SetupConcurrency, cancellationToken))[0];
        var offer = await sellers.OfferAsync(sellerId, sku, 19.90m, options.Units, cancellationToken);
        var carts = await CartMaker.MakeAsync(storefront, [[offer]], options.Buyers, 1, options.SetupConcurrency, cancellationToken);
        Log($"offer {offer} of seller {sellerId} with {options.Units} units; {carts.Count} buyers with one unit each in a quoted cart");

        // Watches the offer's stock while the buyers race, to catch it below zero even for a moment.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lowest = int.MaxValue;
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                var stock = await sellers.StockAsync(sellerId, sku, CancellationToken.None);
                lowest = Math.Min(lowest, stock);
                await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            }
        }, CancellationToken.None);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long released = 0;
        var buyers = carts.Select(cart => Task.Run(async () =>
        {
            await gate.Task;
            return await BuyAsync(storefront.Http, cart, released, cancellationToken);
        }, cancellationToken)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        released = Stopwatch.GetTimestamp();
        gate.SetResult();
        var answers = await Task.WhenAll(buyers);
        var wall = OpenLoad.Milliseconds(Stopwatch.GetTimestamp() - released);

        await watching.CancelAsync();
        await watcher;
        var stockAfter = await sellers.StockAsync(sellerId, sku, cancellationToken);
        lowest = Math.Min(lowest, stockAfter);
        var orders = await Eventually(() => sellers.OrderCountAsync(sellerId, cancellationToken), count => count >= options.Units, cancellationToken);

        var placed = answers.Where(a => a.Final.Status == 201).ToList();
        var soldOut = answers.Where(a => a.Final.Status == 409 && a.Final.Code == "out_of_stock").ToList();
        var other = answers.Where(a => a.Final.Status != 201 && !(a.Final.Status == 409 && a.Final.Code == "out_of_stock")).ToList();
        var placedLatency = new Latencies(placed.Select(a => a.Final.Milliseconds));
        var soldOutLatency = new Latencies(soldOut.Select(a => a.Final.Milliseconds));
        var pass = placed.Count == options.Units && orders == options.Units && stockAfter == 0 && lowest >= 0 && other.Count == 0;
        Console.WriteLine(new ResultLine("RESULT")
            .Add("scenario", options.Label).Add("buyers", options.Buyers).Add("units", options.Units)
            .Add("placed", placed.Count).Add("seller_orders", orders)
            .Add("out_of_stock_409", soldOut.Count).Add("p50_409_ms", soldOutLatency.Percentile(50))
            .Add("p99_409_ms", soldOutLatency.Percentile(99)).Add("max_409_ms", soldOutLatency.Max)
            .Add("p50_201_ms", placedLatency.Percentile(50)).Add("max_201_ms", placedLatency.Max)
            .Add("busy_503_repeated", answers.Sum(a => a.Busy)).Add("other", other.Count)
            .Add("stock_after", stockAfter).Add("stock_lowest_seen", lowest).Add("wall_ms", wall)
            .AddWhen(other.Count > 0, "others", Latencies.Breakdown(other.Select(a => a.Final))));
        Console.WriteLine(
            $"CHECK scenario={options.Label} exactly {options.Units} orders, stock 0 and never below, the rest 409 out_of_stock: {(pass ? "PASS" : "FAIL")}");
        return pass ? 0 : 1;
    }

    /// <summary>
    /// One buyer's checkout; a 503 is repeated with the same Idempotency-Key after its Retry-After, as the contract asks,
    /// so that every buyer ends with a real answer even when the gate is smaller than the crowd. Latency counts from the
    /// moment every buyer was released.
    /// </summary>
    private static async Task<(Outcome Final, int Busy)> BuyAsync(HttpClient http, PreparedCheckout cart, long released, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var busy = 0;
        while (true)
        {
            var outcome = await OpenLoad.SendAsync(http, cart, released, key);
            if (outcome.Status != 503 || busy + 1 >= MaxAttempts)
            {
                return (outcome, busy);
            }

            busy++;
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static async Task<int> Eventually(Func<Task<int>> read, Func<int, bool> enough, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (enough(value) || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static void Log(string message) => Console.Error.WriteLine($"[checkout-load] {message}");
}
