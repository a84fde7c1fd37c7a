using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Marketplace.Checkout.Load;
using Marketplace.Webhooks.Load;

var options = WebhookLoadOptions.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync($"webhooks-load: {error}\n{WebhookLoadOptions.Usage}");
    return 2;
}

ThreadPool.SetMinThreads(64, 64);
using var http = Storefront.Client(options.BaseUrl, TimeSpan.FromSeconds(30));
var storefront = new Storefront(http);
try
{
    await Console.Error.WriteLineAsync($"webhooks-load: opening {options.Endpoints} bench sellers with an endpoint each");
    var sellers = await BenchSellers.OpenAsync(storefront, options.Endpoints, CancellationToken.None);
    var secrets = new List<string>();
    for (var n = 0; n < sellers.SellerIds.Count; n++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/sellers/{sellers.SellerIds[n]}/webhooks")
        {
            Content = JsonContent.Create(new
            {
                url = $"http://127.0.0.1:{options.ReceiverPort}/hooks/{n}",
                eventTypes = CreatedEndpoint.OrderEvents,
            }, options: Storefront.Json),
        };
        using var created = await sellers.SendAsSellerAsync(request, CancellationToken.None);
        secrets.Add((await Storefront.ReadAsync<CreatedEndpoint>(created, HttpStatusCode.Created, "register a bench endpoint", CancellationToken.None)).Secret);
    }

    var stream = new OrderEventStream(options, sellers.SellerIds);
    await using var receiver = await Receiver.StartAsync(options.ReceiverPort, secrets, stream.PublishedAt);
    var bus = OrderEventStream.Bus(options);
    await bus.StartAsync();
    try
    {
        await Console.Error.WriteLineAsync($"webhooks-load: publishing {options.Events} order events at {options.Rate}/s to {options.Endpoints} endpoints");
        var clock = Stopwatch.StartNew();
        await stream.PublishAllAsync(bus, sent =>
        {
            if (sent % (options.OrdersPerRound * 10) == 0)
            {
                Console.Error.WriteLine($"webhooks-load: {clock.Elapsed.TotalSeconds:F0} s: {sent} published, {receiver.Distinct} received");
            }
        });
        var publishSeconds = clock.Elapsed.TotalSeconds;

        // Waits for the stragglers (retries, a restarted API) until every event is in or the drain deadline passes.
        var drain = Stopwatch.StartNew();
        var expected = (int)stream.Published;
        while (receiver.Distinct < expected && drain.Elapsed.TotalSeconds < options.DrainSeconds)
        {
            await Task.Delay(500);
            if ((int)drain.Elapsed.TotalMilliseconds % 10_000 < 500)
            {
                await Console.Error.WriteLineAsync($"webhooks-load: draining {drain.Elapsed.TotalSeconds:F0} s: {receiver.Distinct} of {expected} received");
            }
        }

        // A moment more for late duplicates, which would otherwise go uncounted.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var lost = stream.Expected().Count(e => stream.PublishedAt(e.Order, e.Version) is not null && !receiver.Received(e.Endpoint, e.Order, e.Version));
        var latencies = new Latencies(receiver.Latencies);
        Console.WriteLine(new ResultLine("RESULT")
            .Add("scenario", options.Label)
            .Add("rate", options.Rate)
            .Add("endpoints", options.Endpoints)
            .Add("published", stream.Published)
            .Add("publish_failures", stream.PublishFailures)
            .Add("publish_s", publishSeconds)
            .Add("received", receiver.Distinct)
            .Add("lost", lost)
            .Add("sender_duplicates", receiver.SenderDuplicates)
            .Add("redeliveries", receiver.Redeliveries)
            .Add("out_of_order", receiver.OutOfOrder)
            .Add("bad_signatures", receiver.BadSignatures)
            .Add("p50_ms", latencies.Percentile(50))
            .Add("p95_ms", latencies.Percentile(95))
            .Add("p99_ms", latencies.Percentile(99))
            .Add("max_ms", latencies.Max)
            .Add("max_launch_lag_ms", stream.MaxLaunchLagMs));
        var delivered = lost == 0 && receiver.SenderDuplicates == 0 && receiver.OutOfOrder == 0 && receiver.BadSignatures == 0 && stream.PublishFailures == 0;
        Console.WriteLine(new ResultLine("CHECK").Add("scenario", options.Label).Add("every_event_once_in_order", delivered ? "PASS" : "FAIL"));
        Console.WriteLine(new ResultLine("TARGET").Add("scenario", options.Label).Add("p99_ms_under", options.TargetP99Ms)
            .Add("result", latencies.Percentile(99) < options.TargetP99Ms ? "PASS" : "FAIL"));
        return delivered ? 0 : 1;
    }
    finally
    {
        await bus.StopAsync();
    }
}
catch (SetupFailedException exception)
{
    await Console.Error.WriteLineAsync($"webhooks-load: setup failed: {exception.Message}");
    return 3;
}

internal sealed record CreatedEndpoint(string Secret)
{
    public static readonly string[] OrderEvents = ["order.placed", "order.accepted", "order.shipped", "order.delivered"];
}
