using System.Net;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>The host with room for one checkout at a time, and no queue.</summary>
public sealed class OneCheckoutAtATimeHost : OrderingHost
{
    public OneCheckoutAtATimeHost()
    {
        Settings["Ordering:MaxCheckoutsInFlight"] = "1";
        Settings["Ordering:MaxCheckoutsQueued"] = "0";
    }
}

/// <summary>
/// One checkout at a time, and a queue with room for everyone, waiting as long as it takes. The shared writes budget
/// has room for two and no queue: checkouts, which have a budget of their own, must not take from it.
/// </summary>
public sealed class OneCheckoutAtATimeQueuedHost : OrderingHost
{
    public OneCheckoutAtATimeQueuedHost()
    {
        Settings["Ordering:MaxCheckoutsInFlight"] = "1";
        Settings["Ordering:MaxCheckoutsQueued"] = "32";
        Settings["Ordering:CheckoutQueueWait"] = "00:05:00";
        Settings["Api:Budgets:Writes:PermitLimit"] = "2";
        Settings["Api:Budgets:Writes:QueueLimit"] = "0";
    }
}

public sealed class BackpressureTests(OneCheckoutAtATimeHost host) : IClassFixture<OneCheckoutAtATimeHost>
{
    /// <summary>Ten guest carts of one unit each of one offer (stock 100), quoted, then checked out all at once.</summary>
    internal static async Task<(SellerOffer Offer, HttpResponseMessage[] Answers)> TenCheckoutsAtOnceAsync(OrderingHost host)
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 100);
        var carts = new List<(HttpClient Cart, object Body)>();
        for (var i = 0; i < 10; i++)
        {
            var cart = await GuestCartAsync(host, (offers[0], 1));
            carts.Add((cart, Body(await QuoteAsync(cart))));
        }

        return (offers[0], await Task.WhenAll(carts.Select(c => CheckoutAsync(c.Cart, c.Body))));
    }

    [Fact]
    public async Task Checkouts_beyond_the_ones_in_flight_get_a_fast_503_with_retry_after_and_nothing_is_half_written()
    {
        var (offer, answers) = await TenCheckoutsAtOnceAsync(host);

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.NotNull(a.Headers.RetryAfter));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, a.StatusCode.ToString()));
        Assert.Equal(100 - answers.Count(a => a.StatusCode == HttpStatusCode.Created), await StockAsync(offer));
    }
}

public sealed class QueuedBackpressureTests(OneCheckoutAtATimeQueuedHost host) : IClassFixture<OneCheckoutAtATimeQueuedHost>
{
    [Fact]
    public async Task Checkouts_beyond_the_ones_in_flight_wait_their_turn_in_the_queue_and_are_all_placed()
    {
        var (offer, answers) = await BackpressureTests.TenCheckoutsAtOnceAsync(host);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(90, await StockAsync(offer));
    }
}
