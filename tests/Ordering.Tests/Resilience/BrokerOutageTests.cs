using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MassTransit;
using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform.Messaging;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Resilience;

/// <summary>
/// Tests that stop the shared local broker. Not parallel with anything else of the assembly, so no other class
/// loses its broker while one of these runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerOutageSuite
{
    public const string Name = "broker outage";
}

[Collection(BrokerOutageSuite.Name)]
public sealed class BrokerOutageTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    private const int Sellers = 4;
    private const int Checkouts = 64;
    private const int InitialStock = 60;
    private const int ConcurrentBuyers = 8;
    private static readonly TimeSpan MinimumOutage = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan BrokerStartDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(120);

    [RequiresBrokerControlFact]
    public async Task Every_OrderPlaced_of_a_checkout_storm_is_consumed_exactly_once_when_the_broker_stops_and_starts_midway()
    {
        var offers = new List<SellerOffer>();
        for (var s = 0; s < Sellers; s++)
        {
            offers.AddRange(await CatalogFlows.OffersAsync(host, 1, stock: InitialStock));
        }

        var consumer = await PlacedOrderCounter.ConnectAsync(host);

        // Every cart buys from two sellers, so every checkout places two orders and publishes two events.
        var carts = new List<(HttpClient Cart, object Body)>();
        for (var i = 0; i < Checkouts; i++)
        {
            var cart = await GuestCartAsync(host, (offers[i % Sellers], 1), (offers[(i + 1) % Sellers], 1));
            carts.Add((cart, Body(await QuoteAsync(cart))));
        }

        var outage = new Outage();
        var answered = 0;
        var answers = new ConcurrentBag<(HttpStatusCode Status, string Body, bool DuringOutage)>();
        var buyers = new SemaphoreSlim(ConcurrentBuyers);
        Task storm;
        try
        {
            storm = Task.WhenAll(carts.Select(async (c, i) =>
            {
                // A third buys before the broker goes away, a third while it is away, and the rest as it comes back.
                if (i >= 2 * Checkouts / 3)
                {
                    await outage.Restarting.Task;
                }
                else if (i >= Checkouts / 3)
                {
                    await outage.Stopped.Task;
                }

                await buyers.WaitAsync();
                try
                {
                    var wasDown = outage.IsDown;
                    var response = await CheckoutAsync(c.Cart, c.Body);
                    answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync(), wasDown && outage.IsDown));
                    Interlocked.Increment(ref answered);
                }
                finally
                {
                    buyers.Release();
                }
            }));

            await Eventually.ReadAsync(() => Task.FromResult(Volatile.Read(ref answered)), n => n >= Checkouts / 3, TimeSpan.FromSeconds(120));
            await RabbitBroker.StopAsync();
            outage.Began();

            // Down for a few seconds, and until the middle third of the storm is answered.
            var downSince = Stopwatch.StartNew();
            await Eventually.ReadAsync(
                () => Task.FromResult((Answered: Volatile.Read(ref answered), downSince.Elapsed)),
                seen => seen.Elapsed >= MinimumOutage && seen.Answered >= 2 * Checkouts / 3,
                TimeSpan.FromSeconds(60));
        }
        finally
        {
            outage.Ended();
            await RabbitBroker.StartAsync(BrokerStartDeadline);
        }

        await storm;

        Assert.Equal(Checkouts, answers.Count);
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"A checkout answered {(int)a.Status}: {a.Body}"));
        Assert.Contains(answers, a => a.DuringOutage);
        var authorised = answers.Select(a => JsonDocument.Parse(a.Body).RootElement)
            .Where(a => a.GetProperty("payment").GetProperty("status").GetString() == "authorized")
            .SelectMany(a => a.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()))
            .ToHashSet();

        var placed = await PlacedOrdersAsync();
        Assert.Equal(authorised.Order(), placed.Keys.Order());

        var consumed = await Eventually.ReadAsync(
            () => Task.FromResult(consumer.Applied),
            applied => placed.Keys.All(applied.ContainsKey),
            DeliveryDeadline);
        Assert.Equal(placed.Keys.Order(), consumed.Keys.Order());
        Assert.All(consumed, c => Assert.True(c.Value == 1, $"OrderPlaced of order {c.Key} was applied {c.Value} times."));
        Assert.Equal(placed.Count, await consumer.InboxRowsAsync());

        foreach (var offer in offers)
        {
            var sold = placed.Values.SelectMany(lines => lines).Where(l => l.OfferId == offer.OfferId).Sum(l => l.Quantity);
            Assert.Equal(InitialStock, await StockAsync(offer) + sold);
        }
    }

    private async Task<Dictionary<Guid, List<(Guid OfferId, int Quantity)>>> PlacedOrdersAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var orders = await db.SellerOrders.AsNoTracking().Include(o => o.Lines).Where(o => o.Status == OrderStatus.Placed).ToListAsync();
        return orders.ToDictionary(o => o.Id, o => o.Lines.Select(l => (l.OfferId, l.Quantity)).ToList());
    }

    /// <summary>When the broker is down, as the storm's buyers see it.</summary>
    private sealed class Outage
    {
        private int _down;

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Restarting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsDown => Volatile.Read(ref _down) == 1;

        public void Began()
        {
            Volatile.Write(ref _down, 1);
            Stopped.TrySetResult();
        }

        /// <summary>Also when the test failed before the broker stopped: every waiting buyer goes, so the storm ends.</summary>
        public void Ended()
        {
            Volatile.Write(ref _down, 0);
            Stopped.TrySetResult();
            Restarting.TrySetResult();
        }
    }
}

/// <summary>
/// A consumer of <see cref="OrderPlaced"/> on a queue of its own, applying each message through Ordering's inbox as
/// the module's real consumers do, and counting how often each order's event was applied (not merely delivered).
/// </summary>
internal sealed class PlacedOrderCounter
{
    private const string ConsumerName = "tests.placed-order-counter";

    private readonly ConcurrentDictionary<Guid, int> _applied = new();
    private readonly IServiceProvider _services;

    private PlacedOrderCounter(IServiceProvider services)
    {
        _services = services;
    }

    public IReadOnlyDictionary<Guid, int> Applied => new Dictionary<Guid, int>(_applied);

    public static async Task<PlacedOrderCounter> ConnectAsync(MarketplaceFactory host)
    {
        var counter = new PlacedOrderCounter(host.Services);
        var prefix = host.Services.GetRequiredService<IConfiguration>()["Messaging:EntityPrefix"]!.Replace('_', '-');
        var bus = host.Services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint($"{prefix}-placed-order-counter", endpoint =>
        {
            endpoint.UseMessageRetry(r => r.Interval(10, TimeSpan.FromMilliseconds(500)));
            endpoint.Handler<OrderPlaced>(counter.ApplyAsync);
        });
        await handle.Ready;
        return counter;
    }

    public async Task<int> InboxRowsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        return await db.InboxMessages.CountAsync(m => m.Consumer == ConsumerName);
    }

    private async Task ApplyAsync(ConsumeContext<OrderPlaced> context)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        if (await db.ApplyOnceAsync(context.MessageId, ConsumerName, clock, _ => Task.CompletedTask, context.CancellationToken))
        {
            _applied.AddOrUpdate(context.Message.OrderId, 1, (_, n) => n + 1);
        }
    }
}
