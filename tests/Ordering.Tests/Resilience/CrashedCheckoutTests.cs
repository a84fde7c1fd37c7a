using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Resilience;

/// <summary>
/// The host with an eight-second stock hold and sweepers (abandoned checkouts, expired holds, stalled payments) that look
/// four times a second, and with the keys every replica must share, so a replica started as a process of its own
/// answers as this one would.
/// </summary>
public sealed class CrashHost : OrderingHost
{
    /// <summary>Longer than a checkout takes on a loaded two-core machine, short enough to wait for.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(8);

    public CrashHost()
    {
        Settings["Ordering:ReservationLifetime"] = ReservationLifetime.ToString();
        Settings["Ordering:SweepInterval"] = "00:00:00.250";
        Settings["Catalog:Reservations:SweepInterval"] = "00:00:00.250";
        Settings["Payments:SweepInterval"] = "00:00:00.250";
        Settings["Payments:ProviderTimeout"] = "00:00:01";
        Settings["Paging:CursorKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Settings["Ordering:OrderTokenKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Settings["Payments:Sandbox:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Settings["Demo:Enabled"] = "false";
    }
}

public sealed class CrashedCheckoutTests(CrashHost host, ITestOutputHelper output) : IClassFixture<CrashHost>
{
    private const int Sellers = 3;
    private const int InitialStock = 40;
    private const int CheckoutsPerCrash = 10;

    private static readonly TimeSpan ReplicaStartDeadline = TimeSpan.FromSeconds(240);

    private static readonly TimeSpan StageDeadline = TimeSpan.FromSeconds(20);

    /// <summary>
    /// When each replica dies, as the storm's progress shows in the databases: at once (groups being written), as the
    /// first units are held (between reservation and payment), as the first order is placed (between payment, commit and
    /// save). A stage not reached by its deadline is killed all the same.
    /// </summary>
    private enum CrashMoment
    {
        FiftyMillisecondsIn,
        FirstUnitsHeld,
        FirstOrderPlaced,
    }

    [Fact]
    public async Task Checkouts_on_a_replica_killed_midway_leak_no_stock_once_their_holds_expire()
    {
        var offers = new List<SellerOffer>();
        for (var s = 0; s < Sellers; s++)
        {
            offers.AddRange(await CatalogFlows.OffersAsync(host, 1, stock: InitialStock));
        }

        // Starting a host takes most of this test's time, so the replicas start while the carts are made.
        var moments = Enum.GetValues<CrashMoment>();
        var replicas = moments.Select(_ => ApiProcess.StartAsync(host, ReplicaStartDeadline)).ToList();
        var clients = new List<HttpClient>();
        try
        {
            // Carts and quotes are made here: they live in Redis and PostgreSQL, which the replicas share. Each replica
            // first checks one cart out whole, so its code paths are warm and the storm's steps come quickly.
            var checkouts = new List<(string CartToken, object Body)>();
            for (var i = 0; i < moments.Length * (CheckoutsPerCrash + 1); i++)
            {
                var cart = i % 2 == 0
                    ? await GuestCartAsync(host, (offers[i % Sellers], 1), (offers[(i + 1) % Sellers], 2))
                    : await GuestCartAsync(host, (offers[i % Sellers], 1));
                checkouts.Add((cart.DefaultRequestHeaders.GetValues("X-Cart-Token").Single(), Body(await QuoteAsync(cart))));
            }

            var warmUps = new List<Task<(HttpStatusCode? Status, string Body, TimeSpan Elapsed)>>();
            for (var r = 0; r < moments.Length; r++)
            {
                var client = new HttpClient { BaseAddress = (await replicas[r]).Address, Timeout = TimeSpan.FromSeconds(60) };
                clients.Add(client);
                warmUps.Add(CheckoutOnAsync(client, checkouts[r * (CheckoutsPerCrash + 1)].CartToken, checkouts[r * (CheckoutsPerCrash + 1)].Body, Stopwatch.StartNew()));
            }

            var answers = new List<(HttpStatusCode? Status, string Body, TimeSpan Elapsed)>(await Task.WhenAll(warmUps));
            var replicaOutput = new List<string>();
            for (var r = 0; r < moments.Length; r++)
            {
                var stormBegan = DateTimeOffset.UtcNow;
                var storming = Stopwatch.StartNew();
                var storm = checkouts.Skip(r * (CheckoutsPerCrash + 1) + 1).Take(CheckoutsPerCrash)
                    .Select(c => CheckoutOnAsync(clients[r], c.CartToken, c.Body, storming)).ToList();
                var reached = await ReachAsync(moments[r], stormBegan, storming);
                var killedAt = storming.Elapsed;
                (await replicas[r]).Kill();
                replicaOutput.Add((await replicas[r]).Output);
                var stormAnswers = await Task.WhenAll(storm);
                answers.AddRange(stormAnswers);
                output.WriteLine($"{moments[r]}: {(reached ? "reached" : "not reached")}, killed at {killedAt.TotalMilliseconds:F0} ms; storm: "
                    + string.Join(", ", stormAnswers.Select(a => $"{a.Status?.ToString() ?? "cut"}@{a.Elapsed.TotalMilliseconds:F0}")));
            }

            output.WriteLine($"Answers: {string.Join(", ", answers.GroupBy(a => a.Status?.ToString() ?? "cut off").Select(g => $"{g.Key} x{g.Count()}"))}");
            Assert.Contains(answers, a => a.Status is null);
            // A checkout slowed past its hold's lifetime (this machine may be loaded) holds nothing: it answers 503, or the
            // sweeper's 409 when that abandoned it first. Every other answer is a checkout.
            Assert.All(answers.Where(a => a.Status is not null), a => Assert.True(
                a.Status is HttpStatusCode.Created
                || (a.Status == HttpStatusCode.ServiceUnavailable && a.Body.Contains("checkout_too_slow", StringComparison.Ordinal))
                || (a.Status == HttpStatusCode.Conflict && a.Body.Contains("checkout_abandoned", StringComparison.Ordinal)),
                $"A checkout answered {a.Status}: {a.Body}\n{string.Join("\n", replicaOutput)}"));

            // This host stays up: it is the replica that survives, and its sweepers and consumers finish what the dead left.
            var ledger = await Eventually.ReadAsync(
                LedgerAsync,
                l => l.HeldReservations == 0 && l.UnsettledOrders == 0 && offers.All(o => l.Stock[o.OfferId] + l.PlacedUnits(o.OfferId) == InitialStock),
                CrashHost.ReservationLifetime + TimeSpan.FromSeconds(45));
            output.WriteLine($"Orders: {string.Join(", ", ledger.Orders.GroupBy(o => o.Status).Select(g => $"{g.Key} x{g.Count()}"))}");

            Assert.Equal(0, ledger.HeldReservations);
            Assert.Equal(0, ledger.UnsettledOrders);
            foreach (var offer in offers)
            {
                Assert.Equal(InitialStock, ledger.Stock[offer.OfferId] + ledger.PlacedUnits(offer.OfferId));
                Assert.Equal(ledger.PlacedUnits(offer.OfferId), ledger.SoldUnits(offer.OfferId));
            }

            foreach (var order in ledger.Orders)
            {
                var states = ledger.ReservationStates.GetValueOrDefault(order.Id, []);
                if (order.Status == OrderStatus.Placed)
                {
                    Assert.True(states.Count > 0 && states.All(s => s == "Sold"), $"Placed order {order.Id} has reservation rows [{string.Join(", ", states)}].");
                }
                else
                {
                    Assert.Equal(OrderStatus.Cancelled, order.Status);
                    Assert.True(states.All(s => s == "Released"), $"Cancelled order {order.Id} has reservation rows [{string.Join(", ", states)}].");
                }
            }

            var answeredPlaced = answers.Where(a => a.Status == HttpStatusCode.Created)
                .SelectMany(a => System.Text.Json.JsonDocument.Parse(a.Body).RootElement.GetProperty("orders").EnumerateArray())
                .Where(o => o.GetProperty("status").GetString() == "placed")
                .Select(o => o.GetProperty("id").GetGuid());
            Assert.All(answeredPlaced, id => Assert.Equal(OrderStatus.Placed, ledger.Orders.Single(o => o.Id == id).Status));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            foreach (var replica in replicas.Where(r => r.IsCompletedSuccessfully))
            {
                (await replica).Dispose();
            }
        }
    }

    /// <summary>
    /// Waits until the storm that began at <paramref name="stormBegan"/> has come as far as <paramref name="moment"/>,
    /// judged by its own rows only (an earlier round's order may be placed meanwhile by its payment's event).
    /// </summary>
    private async Task<bool> ReachAsync(CrashMoment moment, DateTimeOffset stormBegan, Stopwatch storming)
    {
        switch (moment)
        {
            case CrashMoment.FiftyMillisecondsIn:
                // The moment itself is what this round varies: it waits for nothing.
                await Task.Delay(TimeSpan.FromMilliseconds(50) - storming.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero);
                return true;
            case CrashMoment.FirstUnitsHeld:
                return (await Eventually.ReadAsync(LedgerAsync, l => l.Reservations.Any(r => r.CreatedAt >= stormBegan), StageDeadline))
                    .Reservations.Any(r => r.CreatedAt >= stormBegan);
            default:
                return (await Eventually.ReadAsync(LedgerAsync, l => l.Orders.Any(o => o.CreatedAt >= stormBegan && o.Status == OrderStatus.Placed), StageDeadline))
                    .Orders.Any(o => o.CreatedAt >= stormBegan && o.Status == OrderStatus.Placed);
        }
    }

    private static async Task<(HttpStatusCode? Status, string Body, TimeSpan Elapsed)> CheckoutOnAsync(HttpClient replica, string cartToken, object body, Stopwatch since)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkout")
        {
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() }, { "X-Cart-Token", cartToken } },
            Content = JsonContent.Create(body),
        };
        try
        {
            var response = await replica.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), since.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message, since.Elapsed);
        }
    }

    /// <summary>Orders as Ordering holds them, and stock and reservations as Catalog holds them, read below the API.</summary>
    private async Task<Ledger> LedgerAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var orders = await db.SellerOrders.AsNoTracking().Include(o => o.Lines).ToListAsync();
        var unsettledGroups = await db.OrderGroups.CountAsync(g => g.PaymentStatus == GroupPaymentStatus.Pending);

        await using var catalog = new NpgsqlConnection(host.PostgresConnectionString);
        await catalog.OpenAsync();
        var stock = new Dictionary<Guid, int>();
        await using (var read = new NpgsqlCommand("SELECT id, stock FROM catalog.offers", catalog))
        await using (var rows = await read.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                stock[rows.GetGuid(0)] = rows.GetInt32(1);
            }
        }

        var reservations = new List<(Guid ReservationId, Guid OfferId, int Quantity, string State, DateTimeOffset CreatedAt)>();
        await using (var read = new NpgsqlCommand("SELECT reservation_id, offer_id, quantity, state, created_at FROM catalog.stock_reservations", catalog))
        await using (var rows = await read.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                reservations.Add((rows.GetGuid(0), rows.GetGuid(1), rows.GetInt32(2), rows.GetString(3), rows.GetFieldValue<DateTimeOffset>(4)));
            }
        }

        return new Ledger(orders, unsettledGroups, stock, reservations);
    }

    private sealed record Ledger(
        List<SellerOrder> Orders, int UnsettledGroups, Dictionary<Guid, int> Stock, List<(Guid ReservationId, Guid OfferId, int Quantity, string State, DateTimeOffset CreatedAt)> Reservations)
    {
        public int HeldReservations => Reservations.Count(r => r.State == "Held");

        public int UnsettledOrders => UnsettledGroups + Orders.Count(o => o.Status == OrderStatus.PendingPayment);

        public Dictionary<Guid, List<string>> ReservationStates => Reservations.GroupBy(r => r.ReservationId).ToDictionary(g => g.Key, g => g.Select(r => r.State).ToList());

        public int PlacedUnits(Guid offerId) =>
            Orders.Where(o => o.Status == OrderStatus.Placed).SelectMany(o => o.Lines).Where(l => l.OfferId == offerId).Sum(l => l.Quantity);

        public int SoldUnits(Guid offerId) => Reservations.Where(r => r.State == "Sold" && r.OfferId == offerId).Sum(r => r.Quantity);
    }
}
