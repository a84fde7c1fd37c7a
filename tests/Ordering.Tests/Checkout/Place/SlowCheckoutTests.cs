using System.Net;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>
/// The host with a one-millisecond stock hold: every checkout reaches its reservation after the hold would have
/// expired, as one does on a replica slowed past <c>Ordering:ReservationLifetime</c>. The sweeper looks only at start.
/// </summary>
public sealed class ExpiredBeforeHoldHost : OrderingHost
{
    public ExpiredBeforeHoldHost()
    {
        Settings["Ordering:ReservationLifetime"] = "00:00:00.001";
        Settings["Ordering:SweepInterval"] = "01:00:00";
    }
}

public sealed class SlowCheckoutTests(ExpiredBeforeHoldHost host) : IClassFixture<ExpiredBeforeHoldHost>
{
    [Fact]
    public async Task A_checkout_slower_than_its_hold_lifetime_gets_503_with_retry_after_and_leaves_nothing_behind()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var cart = await GuestCartAsync(host, (offer, 2));
        var body = Body(await QuoteAsync(cart));
        var key = Guid.NewGuid().ToString();

        var first = await CheckoutAsync(cart, body, key);
        var problem = await ProblemAssertions.AssertProblemAsync(first, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("checkout_too_slow", problem.GetProperty("code").GetString());
        Assert.NotNull(first.Headers.RetryAfter);

        // Nothing is held or written, and the key is free: the same request with it is a fresh attempt, not a replay.
        Assert.Equal(5, await StockAsync(offer));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            Assert.False(await db.OrderGroups.AnyAsync());
            Assert.False(await db.IdempotencyKeys.AnyAsync());
        }

        await ProblemAssertions.AssertProblemAsync(await CheckoutAsync(cart, body, key), HttpStatusCode.ServiceUnavailable);
    }
}
