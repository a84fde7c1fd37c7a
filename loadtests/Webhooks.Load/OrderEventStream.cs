using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;

namespace Marketplace.Webhooks.Load;

/// <summary>
/// Plays Ordering's part: publishes its contract events onto the API's broker at a fixed rate (open model), the way
/// Ordering's outbox relay does. Each order goes placed, accepted, shipped, delivered, one step a second, so every
/// second carries one step of <see cref="WebhookLoadOptions.OrdersPerRound"/> orders, spread over the sellers.
/// </summary>
internal sealed class OrderEventStream(WebhookLoadOptions options, IReadOnlyList<Guid> sellers)
{
    private readonly ConcurrentDictionary<(Guid Order, int Version), long> _publishedAt = new();
    private readonly Guid[] _orders = Enumerable.Range(0, options.Events / 4).Select(_ => Guid.CreateVersion7()).ToArray();
    private long _published;
    private long _publishFailures;

    public long Published => Interlocked.Read(ref _published);

    public long PublishFailures => Interlocked.Read(ref _publishFailures);

    public double MaxLaunchLagMs { get; private set; }

    /// <summary>When the event of this order and version was handed to the broker (Stopwatch ticks), if it was.</summary>
    public long? PublishedAt(Guid order, int version) => _publishedAt.TryGetValue((order, version), out var at) ? at : null;

    /// <summary>Which endpoint (bench seller) each order's events go to.</summary>
    public int EndpointOf(int order) => order % sellers.Count;

    /// <summary>Every event the run publishes: (endpoint, order, version).</summary>
    public IEnumerable<(int Endpoint, Guid Order, int Version)> Expected() =>
        _orders.SelectMany((order, n) => Enumerable.Range(1, 4).Select(version => (EndpointOf(n), order, version)));

    public static IBusControl Bus(WebhookLoadOptions options) => MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
    {
        cfg.Host(options.RabbitMq);
        if (!string.IsNullOrWhiteSpace(options.EntityPrefix))
        {
            // The API's own exchange names (Platform's MessagingRegistration): the prefix keeps environments apart.
            cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, $"{options.EntityPrefix}."));
        }
    });

    public async Task PublishAllAsync(IBus bus, Action<long> progress)
    {
        var round = options.OrdersPerRound;
        var sends = new Task[options.Events];
        var ticksApart = Stopwatch.Frequency / (double)round;
        var startedAt = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < sends.Length; i++)
            {
                var due = startedAt + (long)(i * ticksApart);
                while (Stopwatch.GetTimestamp() < due)
                {
                    Thread.Sleep(1);
                }

                MaxLaunchLagMs = Math.Max(MaxLaunchLagMs, (Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency);
                var (order, step) = Slot(i, round);
                sends[i] = Task.Run(() => PublishAsync(bus, order, step));
                if (i % round == 0)
                {
                    progress(i);
                }
            }
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "event schedule" };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        await Task.WhenAll(sends);
    }

    /// <summary>Event i: rounds of four seconds move <paramref name="round"/> orders through their four steps, a step a second.</summary>
    private static (int Order, int Step) Slot(int i, int round)
    {
        var block = i / (4 * round);
        var within = i % (4 * round);
        return ((block * round) + (within % round), within / round);
    }

    private async Task PublishAsync(IBus bus, int n, int step)
    {
        var order = _orders[n];
        var seller = sellers[EndpointOf(n)];
        var version = step + 1;
        var now = DateTimeOffset.UtcNow;
        var number = $"B-{n:D7}";
        var total = Money.Of(42.50m, "EUR");
        var group = order;
        object message = step switch
        {
            0 => new OrderPlaced(order, group, number, seller, null, total, now, version, now),
            1 => new OrderAccepted(order, group, number, seller, null, total, now, version, now),
            2 => new OrderShipped(order, group, number, seller, null, total, now, "bench", $"BENCH{n:D9}", version, now),
            _ => new OrderDelivered(order, group, number, seller, null, total, now, false, version, now),
        };

        // The message id is the event's identity, as the outbox gives it: the fan-out records each id once.
        var messageId = Guid.CreateVersion7();
        _publishedAt[(order, version)] = Stopwatch.GetTimestamp();
        try
        {
            await bus.Publish(message, message.GetType(), context => context.MessageId = messageId);
            Interlocked.Increment(ref _published);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _publishFailures);
            _publishedAt.TryRemove((order, version), out _);
            await Console.Error.WriteLineAsync($"webhooks-load: publish failed: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
