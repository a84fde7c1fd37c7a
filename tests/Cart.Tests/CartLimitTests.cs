using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>Limits from configuration: a few seconds of idle life, two lines, five units a line.</summary>
public sealed class CartLimitTests(SmallCartFactory factory) : IClassFixture<SmallCartFactory>
{
    private static readonly TimeSpan Ttl = SmallCartFactory.IdleTimeToLive;

    /// <summary>How long past its time to live a cart may take to be seen gone on a loaded machine.</summary>
    private static readonly TimeSpan Headroom = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_idle_guest_cart_expires_and_every_change_restarts_its_time_to_live()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var guest = await CartArrange.NewGuestAsync(factory);
        var clock = Stopwatch.StartNew();
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);
        var firstChangeDone = clock.Elapsed;

        // Halfway through the time to live (waiting only lets time pass; nothing is asserted after it), a change.
        await Task.Delay(Ttl / 2);
        var secondChangeStarted = clock.Elapsed;
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);

        // Read until the cart is gone, noting when the last read that still found it began.
        TimeSpan? lastSeenAt = null;
        HttpResponseMessage read;
        while (true)
        {
            var readStarted = clock.Elapsed;
            read = await guest.GetAsync("/api/v1/cart");
            if (read.StatusCode != HttpStatusCode.OK || clock.Elapsed > secondChangeStarted + Ttl + Headroom)
            {
                break;
            }

            Assert.Equal(2, CartArrange.Quantity(await CartArrange.OkAsync(read), offers[0].OfferId));
            lastSeenAt = readStarted;
            await Task.Delay(100);
        }

        var goneBy = clock.Elapsed;
        await read.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(lastSeenAt > firstChangeDone + Ttl,
            $"Never seen after the first change's time to live ended ({(firstChangeDone + Ttl).TotalSeconds:0.0} s); last seen at {lastSeenAt?.TotalSeconds:0.0} s.");
        Assert.True(goneBy >= secondChangeStarted + Ttl,
            $"Gone at {goneBy.TotalSeconds:0.0} s, before the second change's time to live ended ({(secondChangeStarted + Ttl).TotalSeconds:0.0} s).");
    }

    [Fact]
    public async Task An_idle_customer_cart_expires_to_an_empty_cart()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var customer = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        var clock = Stopwatch.StartNew();
        await CartArrange.AddOkAsync(customer, offers[0].OfferId, 1);

        var cart = await Eventually.ReadAsync(() => CartArrange.ReadAsync(customer), c => CartArrange.Lines(c).Count == 0, Ttl + Headroom);
        var emptiedBy = clock.Elapsed;

        Assert.Empty(CartArrange.Lines(cart));
        Assert.True(emptiedBy >= Ttl, $"Emptied after {emptiedBy.TotalSeconds:0.0} s, before its time to live of {Ttl.TotalSeconds:0} s.");
    }

    [Fact]
    public async Task A_cart_takes_no_more_lines_and_a_line_no_more_units_than_the_limits()
    {
        var offers = await CartArrange.OffersAsync(factory, 3);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 4);
        await CartArrange.AddOkAsync(guest, offers[1].OfferId, 1);

        var third = await CartArrange.AddAsync(guest, offers[2].OfferId, 1);
        var overLine = await CartArrange.AddAsync(guest, offers[0].OfferId, 2);
        var overSet = await guest.PutAsJsonAsync($"/api/v1/cart/lines/{offers[0].OfferId}", new { quantity = SmallCartFactory.MaxQuantity + 1 });

        var lines = await third.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(lines.GetProperty("errors").TryGetProperty("offerId", out _), lines.ToString());
        var units = await overLine.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(units.GetProperty("errors").TryGetProperty("quantity", out _), units.ToString());
        await overSet.AssertValidationProblemAsync("quantity");
        var cart = await CartArrange.ReadAsync(guest);
        Assert.Equal(2, cart.GetProperty("lineCount").GetInt32());
        Assert.Equal(4, CartArrange.Quantity(cart, offers[0].OfferId));
    }

    [Fact]
    public async Task A_merge_caps_quantities_at_the_line_limit_and_leaves_behind_lines_that_do_not_fit()
    {
        var offers = await CartArrange.OffersAsync(factory, 3);
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        var customer = factory.CreateClient(session.AccessToken);
        await CartArrange.AddOkAsync(customer, offers[0].OfferId, 4);
        await CartArrange.AddOkAsync(customer, offers[1].OfferId, 1);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var guest = CartArrange.Guest(factory, token);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 3);
        await CartArrange.AddOkAsync(guest, offers[2].OfferId, 1);

        var merged = await CartArrange.OkAsync(await CartArrange.MergeAsync(factory, session.AccessToken, token));

        Assert.Equal(SmallCartFactory.MaxQuantity, CartArrange.Quantity(merged.GetProperty("cart"), offers[0].OfferId));
        Assert.Equal(new[] { offers[2].OfferId }, merged.GetProperty("linesLeftBehind").EnumerateArray().Select(e => e.GetGuid()));
        Assert.Equal(2, merged.GetProperty("cart").GetProperty("lineCount").GetInt32());
    }
}

public sealed class CartRateLimitTests(RateLimitedCartFactory factory) : IClassFixture<RateLimitedCartFactory>
{
    [Fact]
    public async Task Guest_cart_requests_are_rate_limited_per_client_but_customer_requests_are_not()
    {
        var a = IPAddress.Parse("203.0.113.31");
        var b = IPAddress.Parse("203.0.113.32");
        var customer = factory.CreateClient(a, (await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        var guestA = CartArrange.Guest(factory.CreateClient(a), await CartArrange.NewGuestCartAsync(factory.CreateClient(a)));

        var allowed = new[] { await guestA.GetAsync("/api/v1/cart"), await guestA.GetAsync("/api/v1/cart") };
        var refused = await CartArrange.Guest(factory.CreateClient(a), CartTokens.Unknown).GetAsync("/api/v1/cart");
        var customerReads = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => customer.GetAsync("/api/v1/cart")));
        var guestB = CartArrange.Guest(factory.CreateClient(b), await CartArrange.NewGuestCartAsync(factory.CreateClient(b)));
        var otherClient = await guestB.GetAsync("/api/v1/cart");

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.All(customerReads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }
}
