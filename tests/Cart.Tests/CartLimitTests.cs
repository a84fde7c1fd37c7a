using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>Limits from configuration: three seconds of idle life, two lines, five units a line.</summary>
public sealed class CartLimitTests(SmallCartFactory factory) : IClassFixture<SmallCartFactory>
{
    [Fact]
    public async Task An_idle_guest_cart_expires_and_every_change_restarts_its_time_to_live()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);

        await Task.Delay(TimeSpan.FromSeconds(2));
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var stillThere = await CartArrange.ReadAsync(guest);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        var expired = await guest.GetAsync("/api/v1/cart");

        Assert.Equal(2, CartArrange.Quantity(stillThere, offers[0].OfferId));
        await expired.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_idle_customer_cart_expires_to_an_empty_cart()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var customer = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        await CartArrange.AddOkAsync(customer, offers[0].OfferId, 1);

        await Task.Delay(TimeSpan.FromSeconds(3.5));

        Assert.Empty(CartArrange.Lines(await CartArrange.ReadAsync(customer)));
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
        var client = factory.CreateClient();
        var customer = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(client)).AccessToken);
        var token = await CartArrange.NewGuestCartAsync(client);
        var guest = CartArrange.Guest(factory, token);

        var allowed = new[] { await guest.GetAsync("/api/v1/cart"), await guest.GetAsync("/api/v1/cart") };
        var refused = await CartArrange.Guest(factory, CartTokens.Unknown).GetAsync("/api/v1/cart");
        var customerReads = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => customer.GetAsync("/api/v1/cart")));

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.All(customerReads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }
}
