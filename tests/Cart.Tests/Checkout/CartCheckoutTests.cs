using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Cart.Contracts;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests.Checkout;

/// <summary>The contract Ordering builds on, against the real host (PostgreSQL, Redis) and the cart's own routes.</summary>
public sealed class CartCheckoutTests(CheckoutCartFactory factory) : IClassFixture<CheckoutCartFactory>
{
    [Fact]
    public async Task The_caller_is_the_guest_cart_of_the_token_or_the_signed_in_customer_and_a_request_naming_no_cart_is_refused_as_the_cart_routes_refuse_it()
    {
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());

        var guest = await CallerAsync(token, null);
        var customer = await CallerAsync(null, session.AccessToken);
        var both = await CallerAsync(token, session.AccessToken);
        var nobody = await CallerAsync(null, null);
        var malformed = await CallerAsync("not-a-token", null);

        Assert.True(guest.Caller!.IsGuestCart);
        Assert.True(guest.Caller.IsGuest);
        Assert.Null(guest.Caller.CustomerId);
        Assert.StartsWith("guest:", guest.Caller.OwnerKey, StringComparison.Ordinal);
        Assert.DoesNotContain(token, guest.Caller.OwnerKey, StringComparison.Ordinal);
        Assert.Equal(guest.Caller.OwnerKey, (await CallerAsync(token, null)).Caller!.OwnerKey);

        Assert.False(customer.Caller!.IsGuestCart);
        Assert.Equal(session.UserId, customer.Caller.CustomerId);
        Assert.Equal($"customer:{session.UserId:N}", customer.Caller.OwnerKey);

        // The token names the cart, as on the cart routes; the signed-in customer is still who buys.
        Assert.True(both.Caller!.IsGuestCart);
        Assert.Equal(session.UserId, both.Caller.CustomerId);
        Assert.Equal(guest.Caller.OwnerKey, both.Caller.OwnerKey);

        Assert.Null(nobody.Caller);
        Assert.Equal(StatusCodes.Status401Unauthorized, nobody.Problem!.StatusCode);
        Assert.Null(malformed.Caller);
        Assert.Equal(StatusCodes.Status404NotFound, malformed.Problem!.StatusCode);
        Assert.Null(guest.Problem);
    }

    [Fact]
    public async Task A_kept_owner_key_names_the_same_cart_again_and_a_key_cart_never_made_names_none()
    {
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var session = await IdentityFlows.RegisterCustomerAsync(factory.CreateClient());
        await using var scope = factory.Services.CreateAsyncScope();
        var carts = scope.ServiceProvider.GetRequiredService<ICartCheckout>();
        var guest = (await CallerAsync(token, null)).Caller!;
        var customer = (await CallerAsync(null, session.AccessToken)).Caller!;
        var signedInWithGuestCart = (await CallerAsync(token, session.AccessToken)).Caller!;

        static object Shape(CheckoutCaller? c) => new { c?.OwnerKey, c?.CustomerId, c?.IsGuestCart };
        Assert.Equal(Shape(guest), Shape(carts.CallerOfOwnerKey(guest.OwnerKey, null)));
        Assert.Equal(Shape(customer), Shape(carts.CallerOfOwnerKey(customer.OwnerKey, session.UserId)));
        Assert.Equal(Shape(signedInWithGuestCart), Shape(carts.CallerOfOwnerKey(signedInWithGuestCart.OwnerKey, session.UserId)));

        // A customer's key never opens another customer's cart, and keys Cart never makes open nothing.
        Assert.Null(carts.CallerOfOwnerKey(customer.OwnerKey, Guid.NewGuid()));
        Assert.Null(carts.CallerOfOwnerKey(customer.OwnerKey, null));
        Assert.Null(carts.CallerOfOwnerKey("guest:", null));
        Assert.Null(carts.CallerOfOwnerKey("seller:" + Guid.NewGuid().ToString("N"), null));
        Assert.Null(carts.CallerOfOwnerKey("customer:not-an-id", session.UserId));
    }

    [Fact]
    public async Task The_checkout_price_is_the_price_the_cart_route_shows_with_dispatch_days_and_dimensions()
    {
        var first = await CatalogFlows.OffersAsync(factory, 2, price: 12.5m, dispatchDays: 3);
        var second = await CatalogFlows.OffersAsync(factory, 1, price: 40m, dispatchDays: 1);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var client = CartArrange.Guest(factory, token);
        await CartArrange.AddOkAsync(client, first[0].OfferId, 2);
        await CartArrange.AddOkAsync(client, first[1].OfferId, 1);
        await CartArrange.AddOkAsync(client, second[0].OfferId, 2);
        await CartArrange.OkAsync(await client.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "code-a" }));
        await CartArrange.OkAsync(await client.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "NOPE" }));

        var shown = await CartArrange.ReadAsync(client);
        var priced = await PriceAsync(token, null);

        Assert.True(priced.CanCheckout);
        Assert.Equal(shown.GetProperty("readyForCheckout").GetBoolean(), priced.CanCheckout);
        Assert.Equal("EUR", priced.Currency);
        AssertMoney(shown.GetProperty("subtotal"), priced.Subtotal);
        AssertMoney(shown.GetProperty("discount"), priced.Discount);
        AssertMoney(shown.GetProperty("total"), priced.Total);
        Assert.Equal(
            shown.GetProperty("discounts").EnumerateArray().Select(d => (d.GetProperty("ruleId").GetString(), CartArrange.Amount(d.GetProperty("amount")))),
            priced.Discounts.Select(d => ((string?)d.RuleId, d.Amount.Amount)));
        Assert.Equal(
            shown.GetProperty("promoCodes").EnumerateArray().Select(p => (p.GetProperty("code").GetString(), p.GetProperty("applied").GetBoolean())),
            priced.PromoCodes.Select(p => ((string?)p.Code, p.Applied)));
        Assert.Equal([new PromoCodeLimit("CODE-A", 100, null)], priced.AppliedPromoCodeLimits);

        var shownSellers = shown.GetProperty("sellers").EnumerateArray().ToList();
        Assert.Equal(shownSellers.Select(s => s.GetProperty("sellerId").GetGuid()), priced.Sellers.Select(s => s.SellerId));
        foreach (var (shownSeller, group) in shownSellers.Zip(priced.Sellers))
        {
            AssertMoney(shownSeller.GetProperty("subtotal"), group.Subtotal);
            AssertMoney(shownSeller.GetProperty("total"), group.Total);
            Assert.Equal(shownSeller.GetProperty("freeDelivery").GetProperty("met").GetBoolean(), group.FreeDelivery!.Met);
            Assert.Equal("free-50", group.FreeDelivery.RuleId);
            foreach (var (shownLine, line) in shownSeller.GetProperty("lines").EnumerateArray().Zip(group.Lines))
            {
                Assert.Equal(shownLine.GetProperty("offerId").GetGuid(), line.OfferId);
                Assert.Equal(shownLine.GetProperty("skuCode").GetString(), line.SkuCode);
                Assert.Equal(shownLine.GetProperty("productTitle").GetString(), line.ProductTitle);
                Assert.Equal(shownLine.GetProperty("quantity").GetInt32(), line.Quantity);
                AssertMoney(shownLine.GetProperty("unitPrice"), line.UnitListPrice);
                AssertMoney(shownLine.GetProperty("listTotal"), line.ListTotal);
                AssertMoney(shownLine.GetProperty("total"), line.Total);
                Assert.Equal(
                    shownLine.GetProperty("discounts").EnumerateArray().Select(d => (d.GetProperty("ruleId").GetString(), d.GetProperty("ruleName").GetString(), CartArrange.Amount(d.GetProperty("amount")))),
                    line.Discounts.Select(d => ((string?)d.RuleId, (string?)d.RuleName, d.Amount.Amount)));
                Assert.Empty(line.Issues);
            }
        }

        var firstLine = priced.Sellers[0].Lines[0];
        Assert.Equal(first[0].SkuId, firstLine.SkuId);
        Assert.Equal(first[0].ProductId, firstLine.ProductId);
        Assert.Equal(3, firstLine.DispatchDays);
        Assert.Equal(new Catalog.Contracts.SkuDimensions(1, 1, 1, 1), firstLine.Dimensions);
        Assert.Equal(1, priced.Sellers[1].Lines[0].DispatchDays);

        // 2 × 12.50, less CODE-A's 2.00 a unit (21.00), less 10% of what is left (2.10).
        Assert.Equal(25m, firstLine.ListTotal!.Value.Amount);
        Assert.Equal(18.9m, firstLine.Total!.Value.Amount);
        Assert.Equal(["code-a", "ten-off"], firstLine.Discounts.Select(d => d.RuleId).Order());
    }

    [Fact]
    public async Task The_fingerprint_changes_when_a_price_changes_and_not_when_nothing_the_customer_pays_does()
    {
        var offers = await CartArrange.OffersAsync(factory, 2, price: 10m, stock: 50);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var client = CartArrange.Guest(factory, token);
        await CartArrange.AddOkAsync(client, offers[0].OfferId, 2);
        await CartArrange.AddOkAsync(client, offers[1].OfferId, 1);

        var seen = await PriceAsync(token, null);
        var again = await PriceAsync(token, null);
        await CartArrange.ChangeOfferAsync(offers[0], stock: 20);
        var stockChanged = await PriceAsync(token, null);
        await CartArrange.ChangeOfferAsync(offers[0], price: 11m);
        var priceChanged = await PriceAsync(token, null);
        await CartArrange.OkAsync(await client.PutAsJsonAsync($"/api/v1/cart/lines/{offers[1].OfferId}", new { quantity = 2 }));
        var quantityChanged = await PriceAsync(token, null);

        Assert.Equal(64, seen.Fingerprint.Length);
        Assert.Equal(seen.Fingerprint, again.Fingerprint);
        Assert.Equal(seen.Fingerprint, stockChanged.Fingerprint);
        Assert.NotEqual(seen.Fingerprint, priceChanged.Fingerprint);
        Assert.NotEqual(priceChanged.Fingerprint, quantityChanged.Fingerprint);
        Assert.True(seen.CanCheckout);
        Assert.False(priceChanged.CanCheckout);
        Assert.Equal([CheckoutLineIssue.PriceChanged], priceChanged.Sellers.Single().Lines.Single(l => l.OfferId == offers[0].OfferId).Issues);
    }

    [Fact]
    public async Task A_line_short_of_stock_or_withdrawn_is_listed_with_its_issue_and_the_cart_cannot_be_checked_out()
    {
        var offers = await CartArrange.OffersAsync(factory, 2, price: 10m, stock: 5);
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());
        var client = CartArrange.Guest(factory, token);
        await CartArrange.AddOkAsync(client, offers[0].OfferId, 4);
        await CartArrange.AddOkAsync(client, offers[1].OfferId, 1);
        await CartArrange.ChangeOfferAsync(offers[0], stock: 2);
        await CartArrange.ChangeOfferAsync(offers[1], withdraw: true);

        var priced = await PriceAsync(token, null);

        var lines = priced.Sellers.Single().Lines;
        Assert.False(priced.CanCheckout);
        Assert.Equal([CheckoutLineIssue.QuantityExceedsStock], lines.Single(l => l.OfferId == offers[0].OfferId).Issues);
        var gone = lines.Single(l => l.OfferId == offers[1].OfferId);
        Assert.Equal([CheckoutLineIssue.OfferUnavailable], gone.Issues);
        Assert.False(gone.Priced);
        Assert.Null(gone.DispatchDays);
    }

    [Fact]
    public async Task An_empty_cart_cannot_be_checked_out()
    {
        var token = await CartArrange.NewGuestCartAsync(factory.CreateClient());

        var priced = await PriceAsync(token, null);

        Assert.False(priced.CanCheckout);
        Assert.Empty(priced.Sellers);
        Assert.Null(priced.Total);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Removing_what_was_ordered_keeps_what_was_added_later_and_a_repeat_removes_nothing_more(bool guest)
    {
        var offers = await CartArrange.OffersAsync(factory, 3, price: 10m);
        string? token = guest ? await CartArrange.NewGuestCartAsync(factory.CreateClient()) : null;
        string? bearer = guest ? null : (await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken;
        var client = guest ? CartArrange.Guest(factory, token!) : factory.CreateClient(bearer!);
        await CartArrange.AddOkAsync(client, offers[0].OfferId, 3);
        await CartArrange.AddOkAsync(client, offers[1].OfferId, 1);
        var atCheckout = await PriceAsync(token, bearer);
        var ordered = atCheckout.Sellers.SelectMany(s => s.Lines).Select(l => (l.OfferId, l.Quantity)).ToList();

        // While the order is being placed the shopper goes on shopping.
        await CartArrange.AddOkAsync(client, offers[0].OfferId, 1);
        await CartArrange.AddOkAsync(client, offers[2].OfferId, 2);
        var orderGroup = Guid.NewGuid();
        await RemoveOrderedAsync(token, bearer, orderGroup, ordered);
        var after = await CartArrange.ReadAsync(client);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RemoveOrderedAsync(token, bearer, orderGroup, ordered)));
        var afterRepeats = await CartArrange.ReadAsync(client);

        Assert.Equal([(offers[0].OfferId, 1), (offers[2].OfferId, 2)], Quantities(after));
        Assert.Equal(Quantities(after), Quantities(afterRepeats));
        Assert.Equal(after.GetProperty("version").GetInt64(), afterRepeats.GetProperty("version").GetInt64());
    }

    private static List<(Guid, int)> Quantities(JsonElement cart) =>
        CartArrange.Lines(cart).Select(l => (l.GetProperty("offerId").GetGuid(), l.GetProperty("quantity").GetInt32())).ToList();

    private static void AssertMoney(JsonElement shown, Marketplace.Platform.Money? priced)
    {
        Assert.NotNull(priced);
        Assert.Equal(CartArrange.Amount(shown), priced.Value.Amount);
        Assert.Equal(shown.GetProperty("currency").GetString(), priced.Value.Currency);
    }

    private async Task<CheckoutCallerResult> CallerAsync(string? token, string? bearer)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<ICartCheckout>().CallerOf(await RequestAsync(scope.ServiceProvider, token, bearer));
    }

    private async Task<CheckoutCart> PriceAsync(string? token, string? bearer)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var checkout = scope.ServiceProvider.GetRequiredService<ICartCheckout>();
        var caller = checkout.CallerOf(await RequestAsync(scope.ServiceProvider, token, bearer)).Caller!;
        var cart = await checkout.PriceAsync(caller, CancellationToken.None);
        Assert.NotNull(cart);
        return cart;
    }

    private async Task RemoveOrderedAsync(string? token, string? bearer, Guid orderGroup, IReadOnlyList<(Guid, int)> ordered)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var checkout = scope.ServiceProvider.GetRequiredService<ICartCheckout>();
        var caller = checkout.CallerOf(await RequestAsync(scope.ServiceProvider, token, bearer)).Caller!;
        await checkout.RemoveOrderedAsync(caller, orderGroup, ordered, CancellationToken.None);
    }

    /// <summary>A request as Ordering's endpoint receives it: the header, and the user the host's authentication signs in.</summary>
    private static async Task<HttpContext> RequestAsync(IServiceProvider services, string? token, string? bearer)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        if (token is not null)
        {
            http.Request.Headers["X-Cart-Token"] = token;
        }

        if (bearer is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + bearer;
            var signedIn = await http.AuthenticateAsync();
            Assert.True(signedIn.Succeeded, signedIn.Failure?.Message);
            http.User = signedIn.Principal;
        }

        return http;
    }
}
