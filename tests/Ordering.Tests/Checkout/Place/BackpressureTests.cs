using System.Net;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>The host with room for one checkout at a time.</summary>
public sealed class OneCheckoutAtATimeHost : OrderingHost
{
    public OneCheckoutAtATimeHost() => Settings["Ordering:MaxCheckoutsInFlight"] = "1";
}

public sealed class BackpressureTests(OneCheckoutAtATimeHost host) : IClassFixture<OneCheckoutAtATimeHost>
{
    [Fact]
    public async Task Checkouts_beyond_the_ones_in_flight_get_a_fast_503_with_retry_after_and_nothing_is_half_written()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 100);
        var carts = new List<(HttpClient Cart, object Body)>();
        for (var i = 0; i < 10; i++)
        {
            var cart = await GuestCartAsync(host, (offers[0], 1));
            carts.Add((cart, Body(await QuoteAsync(cart))));
        }

        var answers = await Task.WhenAll(carts.Select(c => CheckoutAsync(c.Cart, c.Body)));

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.NotNull(a.Headers.RetryAfter));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, a.StatusCode.ToString()));
        Assert.Equal(100 - answers.Count(a => a.StatusCode == HttpStatusCode.Created), await StockAsync(offers[0]));
    }
}
