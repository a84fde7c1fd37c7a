using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests.Merge;

public sealed class CartMergeTests(CartFactory factory) : IClassFixture<CartFactory>
{
    [Fact]
    public async Task Signing_in_merges_the_guest_cart_into_the_customers_and_deletes_it()
    {
        var offers = await CartArrange.OffersAsync(factory, 2);
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        var customer = factory.CreateClient(session.AccessToken);
        await CartArrange.AddOkAsync(customer, offers[0].OfferId, 3);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var guest = CartArrange.Guest(factory, token);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        await CartArrange.AddOkAsync(guest, offers[1].OfferId, 1);
        await CartArrange.OkAsync(await guest.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "WELCOME" }));

        var merged = await CartArrange.OkAsync(await CartArrange.MergeAsync(factory, session.AccessToken, token));

        var cart = merged.GetProperty("cart");
        Assert.False(merged.GetProperty("alreadyMerged").GetBoolean());
        Assert.Equal(5, CartArrange.Quantity(cart, offers[0].OfferId));
        Assert.Equal(1, CartArrange.Quantity(cart, offers[1].OfferId));
        Assert.Equal("WELCOME", Assert.Single(cart.GetProperty("promoCodes").EnumerateArray()).GetProperty("code").GetString());
        await (await guest.GetAsync("/api/v1/cart")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(5, CartArrange.Quantity(await CartArrange.ReadAsync(customer), offers[0].OfferId));
    }

    [Fact]
    public async Task Repeating_a_merge_changes_nothing_and_another_customer_cannot_use_the_token()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        var stranger = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        await CartArrange.AddOkAsync(CartArrange.Guest(factory, token), offers[0].OfferId, 4);

        await CartArrange.OkAsync(await CartArrange.MergeAsync(factory, session.AccessToken, token));
        var repeated = await CartArrange.OkAsync(await CartArrange.MergeAsync(factory, session.AccessToken, token));
        var strangers = await CartArrange.MergeAsync(factory, stranger.AccessToken, token);

        Assert.True(repeated.GetProperty("alreadyMerged").GetBoolean());
        Assert.Equal(4, CartArrange.Quantity(repeated.GetProperty("cart"), offers[0].OfferId));
        await strangers.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(CartArrange.Lines(await CartArrange.ReadAsync(factory.CreateClient(stranger.AccessToken))));
    }

    [Fact]
    public async Task A_merge_needs_a_signed_in_customer_and_a_known_token()
    {
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());

        var anonymous = await CartArrange.Guest(factory, token).PostAsync("/api/v1/cart/merge", null);
        var unknown = await CartArrange.MergeAsync(factory, session.AccessToken, CartTokens.Unknown);
        var none = await factory.CreateClient(session.AccessToken).PostAsync("/api/v1/cart/merge", null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await none.AssertProblemAsync(HttpStatusCode.NotFound);
        await CartArrange.ReadAsync(CartArrange.Guest(factory, token));
    }
}
