using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Telemetry;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Platform.Tests.Messaging;

/// <summary>An event the test module publishes through its outbox, to see in which trace it is consumed.</summary>
public sealed record TraceProbeRequested(Guid ProbeId);

/// <summary>The activity each probe was consumed under, as a consumer's own spans and log lines would see it.</summary>
internal sealed class ConsumedProbes
{
    private readonly ConcurrentDictionary<Guid, (ActivityTraceId TraceId, string? Source)> _seen = new();

    public (ActivityTraceId TraceId, string? Source)? Of(Guid probeId) => _seen.TryGetValue(probeId, out var seen) ? seen : null;

    public void Saw(Guid probeId, Activity? current) => _seen[probeId] = (current?.TraceId ?? default, current?.Source.Name);
}

internal sealed class TraceProbeConsumer(ConsumedProbes probes) : IConsumer<TraceProbeRequested>
{
    public Task Consume(ConsumeContext<TraceProbeRequested> context)
    {
        probes.Saw(context.Message.ProbeId, Activity.Current);
        return Task.CompletedTask;
    }
}

/// <summary>
/// An event keeps the trace of the activity that wrote it across the outbox, although the relay publishes it later:
/// on the real PostgreSQL and RabbitMQ, with every activity source of the process listened to, as a tracer would.
/// </summary>
public sealed class OutboxTraceTests : IAsyncLifetime
{
    private readonly string _database = $"mkt_trace_{Guid.NewGuid():N}"[..26];
    private readonly ActivitySource _writers = new("Marketplace.Platform.Tests.Writers");
    private readonly ConcurrentQueue<Activity> _publishes = new();
    private ActivityListener _listener = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == PlatformTracing.SourceName)
                {
                    _publishes.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);

        _host = await TallyHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = TestEnvironment.RabbitMq,
            ["Messaging:EntityPrefix"] = _database,
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        }, services =>
        {
            services.AddSingleton<ConsumedProbes>();
            services.Messaging().AddConsumers(bus => bus.AddConsumer<TraceProbeConsumer>());
        });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _listener.Dispose();
        _writers.Dispose();
        await TestDatabases.DropAsync(_database);
    }

    [Fact]
    public async Task An_event_written_inside_a_trace_is_consumed_in_that_trace_under_the_relays_publish_span()
    {
        var probeId = Guid.NewGuid();
        ActivityTraceId writerTrace;
        ActivitySpanId writerSpan;
        string? writerId;
        OutboxMessage row;

        // The writer's activity ends with its request, long before the relay publishes: only the stored context remains.
        using (var checkout = _writers.StartActivity("checkout"))
        {
            Assert.NotNull(checkout);
            writerTrace = checkout.TraceId;
            writerSpan = checkout.SpanId;
            writerId = checkout.Id;
            row = await WriteProbeAsync(probeId);
        }

        Assert.Equal(writerId, row.TraceParent);
        Assert.StartsWith($"00-{writerTrace.ToHexString()}-{writerSpan.ToHexString()}-", row.TraceParent, StringComparison.Ordinal);

        var consumed = await Eventually.ReadAsync(() => Task.FromResult(Probes.Of(probeId)), seen => seen is not null);
        Assert.NotNull(consumed);
        Assert.Equal(writerTrace, consumed.Value.TraceId);
        Assert.Equal("MassTransit", consumed.Value.Source);

        var publish = await PublishOfAsync(row);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal($"outbox publish {nameof(TraceProbeRequested)}", publish.DisplayName);
        Assert.Equal(writerTrace, publish.TraceId);
        Assert.Equal(writerSpan, publish.ParentSpanId);
    }

    [Fact]
    public async Task An_event_written_outside_any_trace_is_consumed_in_the_trace_its_publish_began()
    {
        var probeId = Guid.NewGuid();
        Activity.Current = null;
        var row = await WriteProbeAsync(probeId);
        Assert.Null(row.TraceParent);

        var consumed = await Eventually.ReadAsync(() => Task.FromResult(Probes.Of(probeId)), seen => seen is not null);
        Assert.NotNull(consumed);

        var publish = await PublishOfAsync(row);
        Assert.Equal(default, publish.ParentSpanId);
        Assert.Equal(publish.TraceId, consumed.Value.TraceId);
    }

    private ConsumedProbes Probes => _host.Services.GetRequiredService<ConsumedProbes>();

    /// <summary>The relay's span for the row, once it has ended: the broker may hand the event over before it confirms the publish.</summary>
    private async Task<Activity> PublishOfAsync(OutboxMessage row)
    {
        var spans = await Eventually.ReadAsync(
            () => Task.FromResult(_publishes.Where(a => a.GetTagItem("messaging.message.id") as string == row.Id.ToString()).ToList()),
            found => found.Count > 0);
        return Assert.Single(spans);
    }

    private async Task<OutboxMessage> WriteProbeAsync(Guid probeId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        db.Publish(new TraceProbeRequested(probeId), TimeProvider.System);
        await db.SaveChangesAsync();
        return db.ChangeTracker.Entries<OutboxMessage>().Single().Entity;
    }
}
