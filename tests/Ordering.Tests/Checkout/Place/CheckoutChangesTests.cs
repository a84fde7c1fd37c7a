using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>
/// The host with the repository's runtime rules, except a promo code LAST1 that gives 1.00 off each unit and can be
/// used once in all.
/// </summary>
public sealed class LastUseHost : OrderingHost
{
    public LastUseHost()
    {
        Rules.Write("pricing", """
            {
              "discounts": [
                { "id": "last1", "name": "1.00 off each unit with LAST1", "kind": "fixed", "amountOff": { "amount": 1, "currency": "EUR" }, "promoCode": "LAST1" }
              ],
              "promoCodes": [ { "code": "LAST1", "maxUses": 1 } ]
            }
            """);
        Rules.Use(this);
    }

    public RulesCopy Rules { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Rules.Dispose();
    }

}

/// <summary>
/// What changes between the quote and the checkout (an offer withdrawn, a promo code's last use taken) is a 409 that
/// names it, and leaves nothing behind: no order, no held unit, no promo-code use.
/// </summary>
public sealed class CheckoutChangesTests(LastUseHost host) : IClassFixture<LastUseHost>
{
    [Fact]
    public async Task An_offer_withdrawn_after_the_quote_is_409_naming_it_and_nothing_is_held_or_written()
    {
        var offers = await CatalogFlows.OffersAsync(host, 2, stock: 5);
        var email = $"withdrawn-{Guid.NewGuid():N}@tests.local";
        var cart = await GuestCartAsync(host, (offers[0], 2), (offers[1], 1));
        var quote = await QuoteAsync(cart);

        var withdrawn = await offers[1].Seller.DeleteAsync($"/api/v1/sellers/{offers[1].SellerId}/offers/{offers[1].SkuId}");
        Assert.True(withdrawn.IsSuccessStatusCode, $"withdrawing answered {(int)withdrawn.StatusCode}");

        var refused = await Expect(await CheckoutAsync(cart, Body(quote, email: email)), HttpStatusCode.Conflict);
        Assert.Contains(offers[1].OfferId.ToString(), refused.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(offers[0].OfferId.ToString(), refused.GetProperty("lines").ToString(), StringComparison.Ordinal);

        Assert.Equal(5, await StockAsync(offers[0]));
        Assert.Empty(await GroupsOfAsync(email));
    }

    [Fact]
    public async Task Two_checkouts_racing_for_a_promo_codes_last_use_make_one_order_and_the_other_is_409_with_nothing_half_written()
    {
        var offers = await CatalogFlows.OffersAsync(host, 2, price: 20m, stock: 5);
        var buyers = new List<(HttpClient Cart, JsonElement Quote, string Email, SellerOffer Offer)>();
        foreach (var offer in offers)
        {
            var cart = await GuestCartAsync(host, (offer, 1));
            var applied = await cart.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "LAST1" });
            Assert.True(applied.IsSuccessStatusCode, $"applying LAST1 answered {(int)applied.StatusCode}");
            var quote = await QuoteAsync(cart);
            Assert.Equal(19m, quote.GetProperty("itemsTotal").GetDecimal());
            buyers.Add((cart, quote, $"race-{Guid.NewGuid():N}@tests.local", offer));
        }

        var answers = await Task.WhenAll(buyers.Select(b => CheckoutAsync(b.Cart, Body(b.Quote, email: b.Email))));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var loser = Array.FindIndex(answers, a => a.StatusCode != HttpStatusCode.Created);
        var problem = await Expect(answers[loser], HttpStatusCode.Conflict);
        Assert.Contains(problem.GetProperty("code").GetString(), new[] { "promo_code_exhausted", "price_changed" });
        Assert.Contains("LAST1", problem.ToString(), StringComparison.OrdinalIgnoreCase);

        var winner = 1 - loser;
        Assert.Equal(4, await StockAsync(buyers[winner].Offer));
        Assert.Equal(5, await StockAsync(buyers[loser].Offer));
        Assert.Single(await GroupsOfAsync(buyers[winner].Email));
        Assert.Empty(await GroupsOfAsync(buyers[loser].Email));

        // The one use was counted once: a third cart finds the code used up.
        var third = await GuestCartAsync(host, (offers[loser], 1));
        await third.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "LAST1" });
        Assert.Equal(20m, (await QuoteAsync(third)).GetProperty("itemsTotal").GetDecimal());
    }

    private async Task<List<JsonElement>> GroupsOfAsync(string email)
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var page = await Expect(await admin.GetAsync($"/api/v1/admin/orders?email={Uri.EscapeDataString(email)}"), HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().ToList();
    }
}

/// <summary>The host with quotes that hold for five seconds (long enough for a quote and a checkout on a busy machine).</summary>
public sealed class ShortQuoteHost : OrderingHost
{
    public ShortQuoteHost() => Settings["Delivery:QuoteLifetime"] = "00:00:05";
}

/// <summary>A checkout after its delivery quote expired is a 409 naming the quote, and writes nothing.</summary>
public sealed class ExpiredQuoteTests(ShortQuoteHost host) : IClassFixture<ShortQuoteHost>
{
    [Fact]
    public async Task A_quote_past_its_expiry_is_409_quote_expired_and_a_fresh_quote_buys()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 3);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);
        var expiresAt = quote.GetProperty("expiresAt").GetDateTimeOffset();

        // Waiting for the clock, not for the server: the quote's own expiry says when it has passed.
        while (DateTimeOffset.UtcNow <= expiresAt.AddMilliseconds(100))
        {
            await Task.Delay(100);
        }

        var refused = await Expect(await CheckoutAsync(cart, Body(quote)), HttpStatusCode.Conflict);
        Assert.Equal("quote_expired", refused.GetProperty("code").GetString());
        Assert.Contains(quote.GetProperty("quoteId").GetGuid().ToString(), refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, await StockAsync(offers[0]));

        await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        Assert.Equal(2, await StockAsync(offers[0]));
    }
}
