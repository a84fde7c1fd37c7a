using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests.Lines;

public sealed class CartLineTests(CartFactory factory) : IClassFixture<CartFactory>
{
    [Fact]
    public async Task Adding_the_same_offer_again_increases_its_quantity_and_keeps_one_line()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var guest = await CartArrange.NewGuestAsync(factory);

        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        var cart = await CartArrange.AddOkAsync(guest, offers[0].OfferId, 3);

        Assert.Single(CartArrange.Lines(cart));
        Assert.Equal(5, CartArrange.Quantity(cart, offers[0].OfferId));
        Assert.Equal(50m, CartArrange.Amount(cart.GetProperty("total")));
        Assert.Equal(5, cart.GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task A_line_quantity_is_set_and_a_line_removed()
    {
        var offers = await CartArrange.OffersAsync(factory, 2, price: 4.5m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);
        await CartArrange.AddOkAsync(guest, offers[1].OfferId, 1);

        var updated = await CartArrange.OkAsync(await guest.PutAsJsonAsync($"/api/v1/cart/lines/{offers[0].OfferId}", new { quantity = 7 }));
        var removed = await CartArrange.OkAsync(await guest.DeleteAsync($"/api/v1/cart/lines/{offers[1].OfferId}"));
        var again = await guest.DeleteAsync($"/api/v1/cart/lines/{offers[1].OfferId}");

        Assert.Equal(7, CartArrange.Quantity(updated, offers[0].OfferId));
        Assert.Equal(36m, CartArrange.Amount(updated.GetProperty("total")));
        var line = Assert.Single(CartArrange.Lines(removed));
        Assert.Equal(offers[0].OfferId, line.GetProperty("offerId").GetGuid());
        Assert.Equal(31.5m, CartArrange.Amount(removed.GetProperty("total")));
        Assert.True(removed.GetProperty("version").GetInt64() > updated.GetProperty("version").GetInt64());
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Fifty_concurrent_adds_of_one_offer_to_one_cart_all_land()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var guest = await CartArrange.NewGuestAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CartArrange.AddAsync(guest, offers[0].OfferId, 1)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var cart = await CartArrange.ReadAsync(guest);
        Assert.Equal(50, CartArrange.Quantity(cart, offers[0].OfferId));
        Assert.Equal(50, cart.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Fifty_concurrent_adds_of_different_offers_to_one_cart_all_land()
    {
        var offers = await CartArrange.OffersAsync(factory, 50);
        var guest = await CartArrange.NewGuestAsync(factory);

        var responses = await Task.WhenAll(offers.Select(o => CartArrange.AddAsync(guest, o.OfferId, 2)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var cart = await CartArrange.ReadAsync(guest);
        Assert.Equal(50, cart.GetProperty("lineCount").GetInt32());
        Assert.Equal(offers.Select(o => o.OfferId).Order(), CartArrange.Lines(cart).Select(l => l.GetProperty("offerId").GetGuid()).Order());
        Assert.All(CartArrange.Lines(cart), l => Assert.Equal(2, l.GetProperty("quantity").GetInt32()));
    }

    [Fact]
    public async Task Lines_are_grouped_by_seller_with_a_subtotal_each()
    {
        var first = await CartArrange.OffersAsync(factory, 2, price: 10m);
        var second = await CartArrange.OffersAsync(factory, 1, price: 3m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, first[0].OfferId, 1);
        await CartArrange.AddOkAsync(guest, second[0].OfferId, 2);
        var cart = await CartArrange.AddOkAsync(guest, first[1].OfferId, 1);

        var sellers = cart.GetProperty("sellers").EnumerateArray().ToList();
        Assert.Equal(new[] { first[0].SellerId, second[0].SellerId }, sellers.Select(s => s.GetProperty("sellerId").GetGuid()));
        Assert.Equal(new[] { first[0].OfferId, first[1].OfferId }, sellers[0].GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("offerId").GetGuid()));
        Assert.Equal(20m, CartArrange.Amount(sellers[0].GetProperty("subtotal")));
        Assert.Equal(6m, CartArrange.Amount(sellers[1].GetProperty("subtotal")));
        Assert.Equal(26m, CartArrange.Amount(cart.GetProperty("total")));
        Assert.Equal("EUR", cart.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task A_signed_in_customer_has_a_cart_of_its_own_that_no_other_customer_sees()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var anonymous = factory.CreateClient();
        var alice = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(anonymous)).AccessToken);
        var bob = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(anonymous)).AccessToken);

        await CartArrange.AddOkAsync(alice, offers[0].OfferId, 2);
        var aliceCart = await CartArrange.ReadAsync(alice);
        var bobCart = await CartArrange.ReadAsync(bob);
        var bobRemoves = await bob.DeleteAsync($"/api/v1/cart/lines/{offers[0].OfferId}");

        Assert.Equal(2, CartArrange.Quantity(aliceCart, offers[0].OfferId));
        Assert.Empty(CartArrange.Lines(bobCart));
        await bobRemoves.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, CartArrange.Quantity(await CartArrange.ReadAsync(alice), offers[0].OfferId));
        await (await anonymous.GetAsync("/api/v1/cart")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_guest_cart_opens_only_with_its_own_token()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var owner = await CartArrange.NewGuestAsync(factory);
        var other = await CartArrange.NewGuestAsync(factory);
        var customer = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        await CartArrange.AddOkAsync(owner, offers[0].OfferId, 1);

        var otherCart = await CartArrange.ReadAsync(other);
        var customerCart = await CartArrange.ReadAsync(customer);
        var otherUpdates = await other.PutAsJsonAsync($"/api/v1/cart/lines/{offers[0].OfferId}", new { quantity = 9 });
        var unknown = await CartArrange.Guest(factory, CartTokens.Unknown).GetAsync("/api/v1/cart");
        var malformed = await CartArrange.Guest(factory, "not-a-token").GetAsync("/api/v1/cart");

        Assert.Empty(CartArrange.Lines(otherCart));
        Assert.Empty(CartArrange.Lines(customerCart));
        await otherUpdates.AssertProblemAsync(HttpStatusCode.NotFound);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await malformed.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, CartArrange.Quantity(await CartArrange.ReadAsync(owner), offers[0].OfferId));
    }

    [Fact]
    public async Task The_guest_token_is_not_what_the_store_keys_the_cart_by()
    {
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var redis = StackExchange.Redis.ConnectionMultiplexer.Connect(TestEnvironment.Redis);
        var server = redis.GetServer(redis.GetEndPoints()[0]);

        var keys = server.Keys(pattern: $"*{token}*").ToList();

        Assert.Empty(keys);
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Every_read_flags_lines_whose_offer_changed_and_prices_only_what_can_be_bought()
    {
        var offers = await CartArrange.OffersAsync(factory, 5, price: 10m, stock: 10);
        var guest = await CartArrange.NewGuestAsync(factory);
        foreach (var offer in offers)
        {
            await CartArrange.AddOkAsync(guest, offer.OfferId, 3);
        }

        await CartArrange.ChangeOfferAsync(offers[0], price: 12m);
        await CartArrange.ChangeOfferAsync(offers[1], stock: 0);
        await CartArrange.ChangeOfferAsync(offers[2], stock: 2);
        await CartArrange.ChangeOfferAsync(offers[3], withdraw: true);
        var cart = await CartArrange.ReadAsync(guest);

        var changed = CartArrange.Line(cart, offers[0].OfferId);
        Assert.Equal(new[] { "PriceChanged" }, CartArrange.Issues(changed));
        Assert.Equal(12m, CartArrange.Amount(changed.GetProperty("unitPrice")));
        Assert.Equal(10m, CartArrange.Amount(changed.GetProperty("unitPriceWhenAdded")));
        Assert.Equal(36m, CartArrange.Amount(changed.GetProperty("total")));
        var soldOut = CartArrange.Line(cart, offers[1].OfferId);
        Assert.Equal(new[] { "OutOfStock" }, CartArrange.Issues(soldOut));
        Assert.False(soldOut.GetProperty("priced").GetBoolean());
        var short_ = CartArrange.Line(cart, offers[2].OfferId);
        Assert.Equal(new[] { "QuantityExceedsStock" }, CartArrange.Issues(short_));
        Assert.Equal(2, short_.GetProperty("availableStock").GetInt32());
        var gone = CartArrange.Line(cart, offers[3].OfferId);
        Assert.Equal(new[] { "OfferUnavailable" }, CartArrange.Issues(gone));
        Assert.Equal(offers[3].SellerId, gone.GetProperty("sellerId").GetGuid());
        Assert.Empty(CartArrange.Issues(CartArrange.Line(cart, offers[4].OfferId)));
        Assert.Equal(5, cart.GetProperty("lineCount").GetInt32());
        Assert.Equal(36m + 30m + 30m, CartArrange.Amount(cart.GetProperty("total")));
        Assert.False(cart.GetProperty("readyForCheckout").GetBoolean());
    }

    [Fact]
    public async Task Bad_line_input_is_refused_naming_the_field_and_changes_nothing()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        var before = await CartArrange.ReadAsync(guest);

        var unknownOffer = await (await CartArrange.AddAsync(guest, Guid.NewGuid(), 1)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(unknownOffer.GetProperty("errors").TryGetProperty("offerId", out _), unknownOffer.ToString());
        await (await CartArrange.AddAsync(guest, offers[0].OfferId, 0)).AssertValidationProblemAsync("quantity");
        await (await CartArrange.AddAsync(guest, offers[0].OfferId, -1)).AssertValidationProblemAsync("quantity");
        await (await CartArrange.AddAsync(guest, offers[0].OfferId, 100)).AssertValidationProblemAsync("quantity");
        await (await CartArrange.AddAsync(guest, offers[0].OfferId, 98)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await guest.PostAsync("/api/v1/cart/lines", new StringContent($$"""{"offerId":"{{offers[0].OfferId}}","quantity":2147483648}""", Encoding.UTF8, "application/json")))
            .AssertValidationProblemAsync("quantity");
        await (await guest.PostAsync("/api/v1/cart/lines", new StringContent("""{"offerId": "x", """, Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await guest.PutAsJsonAsync($"/api/v1/cart/lines/{offers[0].OfferId}", new { quantity = 0 })).AssertValidationProblemAsync("quantity");
        await (await guest.PutAsJsonAsync($"/api/v1/cart/lines/{Guid.NewGuid()}", new { quantity = 1 })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await guest.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "no spaces!" })).AssertValidationProblemAsync("code");

        var after = await CartArrange.ReadAsync(guest);
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
        Assert.Equal(2, CartArrange.Quantity(after, offers[0].OfferId));
        Assert.Empty(after.GetProperty("promoCodes").EnumerateArray());
    }

    [Fact]
    public async Task A_promo_code_is_entered_once_reported_and_taken_out()
    {
        var offers = await CartArrange.OffersAsync(factory, 1);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 1);

        await CartArrange.OkAsync(await guest.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "spring-10" }));
        var twice = await CartArrange.OkAsync(await guest.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "SPRING-10" }));
        var removed = await CartArrange.OkAsync(await guest.DeleteAsync("/api/v1/cart/promo-codes/spring-10"));
        var again = await guest.DeleteAsync("/api/v1/cart/promo-codes/spring-10");

        var code = Assert.Single(twice.GetProperty("promoCodes").EnumerateArray());
        Assert.Equal("SPRING-10", code.GetProperty("code").GetString());
        Assert.False(code.GetProperty("applied").GetBoolean());
        Assert.False(string.IsNullOrEmpty(code.GetProperty("reason").GetString()));
        Assert.Empty(removed.GetProperty("promoCodes").EnumerateArray());
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
