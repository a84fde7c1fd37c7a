using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>
/// The host with traces on, exported to a collector double as in production, and the spans of the traces a test watches
/// kept as they end (every source of the process listened to, as a tracer would).
/// </summary>
public sealed class TracedOrderingHost : OrderingHost
{
    private readonly ConcurrentDictionary<ActivityTraceId, ConcurrentQueue<Activity>> _watched = new();
    private ActivityListener? _listener;

    public OtlpCollectorDouble Collector { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Collector = await OtlpCollectorDouble.StartNewAsync();
        Settings["Telemetry:OtlpEndpoint"] = Collector.Address;
        Settings["Telemetry:OtlpProtocol"] = "http/protobuf";
        Settings["Telemetry:TraceExportDelay"] = "00:00:00.200";

        // Only the watched traces: other test classes' hosts share the process.
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                _watched.ContainsKey(options.TraceId) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (_watched.TryGetValue(activity.TraceId, out var spans))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Watch(ActivityTraceId trace) => _watched.TryAdd(trace, new ConcurrentQueue<Activity>());

    public IReadOnlyList<Activity> EndedSpansOf(ActivityTraceId trace) => _watched.TryGetValue(trace, out var spans) ? [.. spans] : [];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _listener?.Dispose();
        await Collector.DisposeAsync();
    }
}

/// <summary>
/// One checkout is one trace: the request with its SQL and its Redis commands, the events it wrote published from the
/// outboxes under it, and the consumers in the other modules (and the events they write in turn) continuing it.
/// </summary>
public sealed class CheckoutTraceTests(TracedOrderingHost host) : IClassFixture<TracedOrderingHost>
{
    private const string RedisSource = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    [Fact]
    public async Task A_checkout_and_the_consumers_of_its_order_placed_event_are_one_trace()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 10);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var body = Body(await QuoteAsync(cart));
        var trace = ActivityTraceId.CreateRandom();
        host.Watch(trace);

        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkout")
        {
            Headers =
            {
                { "Idempotency-Key", Guid.NewGuid().ToString() },
                { "traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01" },
            },
            Content = JsonContent.Create(body),
        };
        await Expect(await cart.SendAsync(checkout), HttpStatusCode.Created);

        // Redis spans are made from the client's profiling sessions, which the instrumentation reads every few seconds.
        var spans = await Eventually.ReadAsync(
            () => Task.FromResult(host.EndedSpansOf(trace)),
            ended => ConsumersUnder(ended, "outbox publish OrderPlaced").Count > 0 && ended.Any(s => s.Source.Name == RedisSource),
            TimeSpan.FromSeconds(60));

        var described = string.Join("; ", spans.Select(s => $"{s.Source.Name} {s.Kind} '{s.DisplayName}'"));
        var request = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && Under(s, request, spans));
        Assert.True(spans.Any(s => s.Source.Name == RedisSource && Under(s, request, spans)), $"No Redis command of the request: {described}");

        var placed = Assert.Single(spans, s => s.DisplayName == "outbox publish OrderPlaced");
        Assert.Equal(ActivityKind.Producer, placed.Kind);
        Assert.True(Under(placed, request, spans), $"OrderPlaced was published outside the checkout's request: {described}");
        var consumers = ConsumersUnder(spans, placed.DisplayName);
        Assert.True(consumers.Count > 0, $"No consumer of OrderPlaced in the checkout's trace: {described}");
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && consumers.Any(c => Under(s, c, spans)));

        // And the exporter sent them on to the collector.
        var exported = await Eventually.ReadAsync(() => Task.FromResult(host.Collector.HasSpanOf(trace)), found => found);
        Assert.True(exported, "No span of the checkout's trace reached the collector.");
    }

    /// <summary>MassTransit's consumer-side spans whose ancestors include the span named <paramref name="publish"/>.</summary>
    private static List<Activity> ConsumersUnder(IReadOnlyList<Activity> spans, string publish) =>
        spans.Where(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer
            && spans.Any(p => p.DisplayName == publish && Under(s, p, spans))).ToList();

    /// <summary>Whether <paramref name="ancestor"/> is on the way up from <paramref name="span"/> through the spans ended so far.</summary>
    private static bool Under(Activity span, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        var bySpanId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        for (var parent = span.ParentSpanId; parent != default; parent = bySpanId.TryGetValue(parent, out var up) ? up.ParentSpanId : default)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
