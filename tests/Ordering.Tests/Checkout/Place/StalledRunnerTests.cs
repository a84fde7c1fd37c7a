using System.Net;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>
/// A host whose runner beats once an hour, so a test decides when its last beat was; and whose stock holds can make the
/// runner look stalled the moment they are taken, as a process frozen between the hold and the payment would be.
/// </summary>
public sealed class StalledRunnerHost : OrderingHost
{
    public StalledRunnerHost() => Settings["Ordering:RunnerHeartbeat"] = "01:00:00";

    /// <summary>When set, each stock hold a checkout takes leaves the runner's last beat three hours behind.</summary>
    public bool StallAfterHolding { get; set; }

    /// <summary>How many times checkout asked Catalog to hold stock.</summary>
    public int HoldsAsked => _holdsAsked;

    private int _holdsAsked;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var reservations = services.Last(d => d.ServiceType == typeof(IStockReservations));
            services.Remove(reservations);
            services.AddScoped<IStockReservations>(sp => new StallingReservations(
                (IStockReservations)reservations.ImplementationFactory!(sp), this, sp.GetRequiredService<ThisRunner>(), sp.GetRequiredService<TimeProvider>()));
        });
    }

    private sealed class StallingReservations(IStockReservations inner, StalledRunnerHost host, ThisRunner runner, TimeProvider clock) : IStockReservations
    {
        public async Task<ReserveResult> ReserveAsync(IReadOnlyList<StockHold> holds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref host._holdsAsked);
            var result = await inner.ReserveAsync(holds, expiresAt, cancellationToken);
            if (host.StallAfterHolding)
            {
                runner.Beat(clock.GetUtcNow().AddHours(-3));
            }

            return result;
        }

        public Task<IReadOnlyDictionary<Guid, SettleOutcome>> CommitAsync(IReadOnlyList<Guid> reservationIds, CancellationToken cancellationToken) =>
            inner.CommitAsync(reservationIds, cancellationToken);

        public Task<SettleOutcome> ReleaseAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(reservationId, reason, cancellationToken);

        public Task<SettleOutcome> RestockAsync(Guid reservationId, string reason, CancellationToken cancellationToken) =>
            inner.RestockAsync(reservationId, reason, cancellationToken);

        public Task<SettleOutcome> ReturnUnitsAsync(Guid reservationId, Guid returnId, IReadOnlyList<ReservedLine> lines, string reason, CancellationToken cancellationToken) =>
            inner.ReturnUnitsAsync(reservationId, returnId, lines, reason, cancellationToken);
    }
}

/// <summary>
/// A checkout of a process that has not beaten for two intervals stops before each irreversible step: another replica
/// may already be finishing it as stopped, and the two must not both act. It holds and charges nothing, answers 503
/// <c>checkout_too_slow</c>, and leaves its key free for the retry.
/// </summary>
public sealed class StalledRunnerTests(StalledRunnerHost host) : IClassFixture<StalledRunnerHost>
{
    [Fact]
    public async Task A_checkout_of_a_stalled_runner_holds_nothing_and_its_retry_places_once_the_runner_beats_again()
    {
        var (offer, cart, body, key) = await CheckoutOfTwoUnitsAsync();
        Runner.Beat(Clock.GetUtcNow().AddHours(-3));
        var holdsBefore = host.HoldsAsked;

        var stalled = await CheckoutAsync(cart, body, key);

        await AssertTooSlowAsync(stalled);
        Assert.Equal(holdsBefore, host.HoldsAsked);
        Assert.Equal(5, await StockAsync(offer));
        Runner.Beat(Clock.GetUtcNow());
        var retried = await Expect(await CheckoutAsync(cart, body, key), HttpStatusCode.Created);
        Assert.Equal("placed", retried.GetProperty("orders")[0].GetProperty("status").GetString());
        Assert.Equal(3, await StockAsync(offer));
    }

    [Fact]
    public async Task A_runner_that_stalls_between_the_stock_hold_and_the_payment_gives_the_hold_back_and_asks_for_no_money()
    {
        var (offer, cart, body, key) = await CheckoutOfTwoUnitsAsync();
        Runner.Beat(Clock.GetUtcNow());
        host.StallAfterHolding = true;
        HttpResponseMessage stalled;
        try
        {
            stalled = await CheckoutAsync(cart, body, key);
        }
        finally
        {
            host.StallAfterHolding = false;
        }

        await AssertTooSlowAsync(stalled);
        Assert.Equal(5, await Eventually.ReadAsync(() => StockAsync(offer), stock => stock == 5));
        Runner.Beat(Clock.GetUtcNow());
        await Expect(await CheckoutAsync(cart, body, key), HttpStatusCode.Created);
        Assert.Equal(3, await StockAsync(offer));
    }

    private ThisRunner Runner => host.Services.GetRequiredService<ThisRunner>();

    private TimeProvider Clock => host.Services.GetRequiredService<TimeProvider>();

    /// <summary>A guest's cart of 2 units of a new offer of 5, the checkout body for it, and a new key.</summary>
    private async Task<(SellerOffer Offer, HttpClient Cart, object Body, string Key)> CheckoutOfTwoUnitsAsync()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var cart = await GuestCartAsync(host, (offer, 2));
        return (offer, cart, Body(await QuoteAsync(cart)), Guid.NewGuid().ToString());
    }

    private static async Task AssertTooSlowAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAssertions.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("checkout_too_slow", problem.GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
