using System.Net;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Marketplace.Cart.Tests.Storage;

public sealed class GuestCartStorageTests(CartFactory factory) : IClassFixture<CartFactory>
{
    [Fact]
    public async Task The_guest_token_and_every_cart_answer_are_never_stored_by_a_browser_or_proxy_cache()
    {
        var created = await factory.CreateClient().PostAsync("/api/v1/cart/guest", null);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var read = await CartArrange.Guest(factory, token).GetAsync("/api/v1/cart");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore, "The answer holding the guest token may be cached.");
        Assert.True(read.Headers.CacheControl?.NoStore, "A cart's contents may be cached.");
    }

    [Fact]
    public async Task A_guest_token_stores_nothing_until_its_first_line_and_a_guest_cart_idles_out_sooner_than_a_customers()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var options = factory.Services.GetRequiredService<IOptions<CartOptions>>().Value;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        HashSet<RedisKey> GuestCarts() => server.Keys(pattern: $"{options.RedisKeyPrefix}cart:g:*").ToHashSet();
        var before = GuestCarts();

        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await CartArrange.NewGuestCartAsync(factory.CreateClient()));
        }

        var guest = CartArrange.Guest(factory, tokens[0]);
        var empty = await CartArrange.ReadAsync(guest);
        var storedBeforeTheFirstLine = GuestCarts().Except(before).Count();
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        var guestKey = Assert.Single(GuestCarts().Except(before));
        var customer = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        var customerCartsBefore = server.Keys(pattern: $"{options.RedisKeyPrefix}cart:c:*").ToHashSet();
        await CartArrange.AddOkAsync(customer, offers[0].OfferId, 1);
        var customerKey = Assert.Single(server.Keys(pattern: $"{options.RedisKeyPrefix}cart:c:*").Except(customerCartsBefore));

        Assert.Equal(0, storedBeforeTheFirstLine);
        Assert.Empty(CartArrange.Lines(empty));
        Assert.Equal(2, CartArrange.Quantity(await CartArrange.ReadAsync(guest), offers[0].OfferId));
        var guestTtl = await redis.GetDatabase().KeyTimeToLiveAsync(guestKey);
        Assert.InRange(guestTtl!.Value, options.GuestIdleTimeToLive - TimeSpan.FromMinutes(1), options.GuestIdleTimeToLive);
        var customerTtl = await redis.GetDatabase().KeyTimeToLiveAsync(customerKey);
        Assert.InRange(customerTtl!.Value, options.IdleTimeToLive - TimeSpan.FromMinutes(1), options.IdleTimeToLive);
    }

    [Fact]
    public async Task A_guest_token_that_never_had_a_line_merges_as_nothing_and_its_token_still_works()
    {
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());

        var merged = await CartArrange.OkAsync(await CartArrange.MergeAsync(factory, session.AccessToken, token));

        Assert.False(merged.GetProperty("alreadyMerged").GetBoolean());
        Assert.Empty(CartArrange.Lines(merged.GetProperty("cart")));
    }
}

/// <summary>The embedded profile with room for two carts in process memory.</summary>
public sealed class TwoCartFactory : CartTestFactory
{
    public TwoCartFactory()
        : base(TestProfile.Embedded) => Settings["Cart:MaxMemoryCarts"] = "2";
}

public sealed class MemoryCartCapTests(TwoCartFactory factory) : IClassFixture<TwoCartFactory>
{
    [Fact]
    public async Task A_full_memory_store_refuses_a_new_guest_cart_with_503_keeps_the_carts_it_holds_and_still_admits_a_customer()
    {
        var offers = await CartArrange.OffersAsync(factory, 2);
        var first = await CartArrange.NewGuestAsync(factory);
        var second = await CartArrange.NewGuestAsync(factory);
        var third = await CartArrange.NewGuestAsync(factory);
        var customer = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        await CartArrange.AddOkAsync(first, offers[0].OfferId, 1);
        await CartArrange.AddOkAsync(second, offers[0].OfferId, 1);

        var refusedGuest = await CartArrange.AddAsync(third, offers[0].OfferId, 1);
        var admittedCustomer = await CartArrange.AddOkAsync(customer, offers[0].OfferId, 1);
        var kept = await CartArrange.AddOkAsync(first, offers[1].OfferId, 3);

        await refusedGuest.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(1, CartArrange.Quantity(admittedCustomer, offers[0].OfferId));
        Assert.Equal(3, CartArrange.Quantity(kept, offers[1].OfferId));
        Assert.Empty(CartArrange.Lines(await CartArrange.ReadAsync(third)));
    }
}
