using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Cart.Contracts;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Checkout.Settlement;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Settlement;

/// <summary>
/// Runners beat every 200 ms (dead after 600 ms without a beat); the stock hold and the fixed orphan age are an hour and
/// the sweeper looks once an hour, so only a dead runner, or a test's own sweep, finishes a checkout here. A repeat waits
/// half a second for a running checkout's answer.
/// </summary>
public sealed class StoppedRunnerHost : OrderingHost
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);

    public StoppedRunnerHost()
    {
        Settings["Ordering:ReservationLifetime"] = "01:00:00";
        Settings["Ordering:OrphanedCheckoutAfter"] = "01:00:00";
        Settings["Ordering:SweepInterval"] = "01:00:00";
        Settings["Ordering:RunnerHeartbeat"] = Heartbeat.ToString();
        Settings["Ordering:IdempotencyWait"] = "00:00:00.500";
    }
}

public sealed class StoppedRunnerTests(StoppedRunnerHost host) : IClassFixture<StoppedRunnerHost>
{
    [Fact]
    public async Task This_process_beats_as_a_checkout_runner_while_it_lives()
    {
        var runner = host.Services.GetRequiredService<ThisRunner>().Id;
        var first = await Eventually.ReadAsync(() => SeenAtAsync(runner), seen => seen is not null);
        var later = await Eventually.ReadAsync(() => SeenAtAsync(runner), seen => seen > first);

        Assert.True(later > first);
    }

    [Fact]
    public async Task The_sweeper_finishes_a_checkout_whose_runner_stopped_beating_and_leaves_one_whose_runner_lives()
    {
        using var recorded = RecordedMeasurements.Of(host, OrderingMetrics.MeterName);
        var dead = await DeadRunnerAsync();
        var (deadOffer, deadGroup, deadKey) = await StoppedCheckouts.ArrangeAsync(host, "pm_card_visa", dead);
        var (_, liveGroup, liveKey) = await StoppedCheckouts.ArrangeAsync(host, "pm_card_visa", host.Services.GetRequiredService<ThisRunner>().Id);
        await PastTheBeatWindowAsync();

        await host.Services.GetServices<IHostedService>().OfType<AbandonedCheckoutSweeper>().Single().SweepOnceAsync(default);

        await StoppedCheckouts.AssertPlacedAndAnsweredAsync(host, deadOffer, deadGroup, deadKey);
        Assert.Null((await StoppedCheckouts.KeyAsync(host, liveKey)).ResponseStatus);
        Assert.Equal(GroupPaymentStatus.Pending, await PaymentStatusAsync(liveGroup.GroupId));
        Assert.Equal(1, recorded.Sum("marketplace.checkouts.recovered", ("by", "sweeper"), ("outcome", "placed")));
    }

    [Fact]
    public async Task A_repeat_of_a_checkout_whose_runner_died_gets_its_outcome_at_once()
    {
        using var recorded = RecordedMeasurements.Of(host, OrderingMetrics.MeterName);
        var (cart, body, asRequested) = await CheckoutRequestAsync();
        var (_, group, key) = await StoppedCheckouts.ArrangeAsync(host, "pm_card_visa", await DeadRunnerAsync(), asRequested);
        await PastTheBeatWindowAsync();

        var repeat = await CheckoutAsync(cart, body, key);

        var answer = await Expect(repeat, HttpStatusCode.Created);
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(group.GroupId, answer.GetProperty("orderGroupId").GetGuid());
        Assert.Equal("placed", answer.GetProperty("orders")[0].GetProperty("status").GetString());
        Assert.Equal(201, (await StoppedCheckouts.KeyAsync(host, key)).ResponseStatus);
        Assert.Equal(1, recorded.Sum("marketplace.checkouts.recovered", ("by", "repeat"), ("outcome", "placed")));
    }

    [Fact]
    public async Task A_repeat_of_a_checkout_whose_runner_lives_is_told_it_is_still_running()
    {
        using var recorded = RecordedMeasurements.Of(host, OrderingMetrics.MeterName);
        var (cart, body, asRequested) = await CheckoutRequestAsync();
        var (_, group, key) = await StoppedCheckouts.ArrangeAsync(host, "pm_card_visa", host.Services.GetRequiredService<ThisRunner>().Id, asRequested);
        await PastTheBeatWindowAsync();

        var repeat = await CheckoutAsync(cart, body, key);

        Assert.Equal(HttpStatusCode.Conflict, repeat.StatusCode);
        Assert.Contains("idempotency_key_in_use", await repeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await StoppedCheckouts.KeyAsync(host, key)).ResponseStatus);
        Assert.Equal(GroupPaymentStatus.Pending, await PaymentStatusAsync(group.GroupId));
        Assert.Equal(0, recorded.Sum("marketplace.checkouts.recovered"));
    }

    /// <summary>A runner that last beat an hour ago: a replica killed then.</summary>
    private async Task<Guid> DeadRunnerAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var anHourAgo = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().AddHours(-1);
        var runner = new CheckoutRunner { Id = Guid.CreateVersion7(), StartedAt = anHourAgo, SeenAt = anHourAgo };
        db.CheckoutRunners.Add(runner);
        await db.SaveChangesAsync();
        return runner.Id;
    }

    /// <summary>Waits until what was just arranged is older than three beats, the age from which its runner's row decides.</summary>
    private async Task PastTheBeatWindowAsync()
    {
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var arranged = clock.GetUtcNow();
        await Eventually.ReadAsync(() => Task.FromResult(clock.GetUtcNow()), now => now > arranged + (4 * StoppedRunnerHost.Heartbeat));
    }

    /// <summary>
    /// A guest's cart, the checkout body a shopper sends for it, and the key's owner and request hash that body makes, so
    /// the stopped checkout arranged under them is the one this request repeats.
    /// </summary>
    private async Task<(HttpClient Cart, object Body, (string OwnerScope, byte[] RequestHash, string Key) AsRequested)> CheckoutRequestAsync()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var cart = await GuestCartAsync(host, (offer, 1));
        var body = Body(await QuoteAsync(cart));
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Cart-Token"] = cart.DefaultRequestHeaders.GetValues("X-Cart-Token").Single();
        var caller = host.Services.GetRequiredService<ICartCheckout>().CallerOf(context).Caller!;
        var request = JsonSerializer.Deserialize<PlaceOrderRequest>(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        return (cart, body, (caller.OwnerKey, IdempotencyKeys.Fingerprint(request), $"killed-{Guid.NewGuid():N}"));
    }

    private async Task<DateTimeOffset?> SeenAtAsync(Guid runner)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().CheckoutRunners.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runner))?.SeenAt;
    }

    private async Task<GroupPaymentStatus> PaymentStatusAsync(Guid groupId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().OrderGroups.AsNoTracking().SingleAsync(g => g.Id == groupId)).PaymentStatus;
    }
}
