using System.Net;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Idempotency;

public sealed class IdempotencyKeyTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task The_same_key_20_times_at_once_makes_one_order_and_20_identical_answers()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 50);
        var cart = await GuestCartAsync(host, (offers[0], 2));
        var quote = await QuoteAsync(cart);
        var body = Body(quote);
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CheckoutAsync(cart, body, key)));
        var texts = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Single(texts.Distinct());
        Assert.Equal(48, await StockAsync(offers[0]));
        Assert.Equal(1, await GroupsOfSellerAsync(offers[0].SellerId));
    }

    [Fact]
    public async Task A_repeat_replays_the_first_answer_marked_as_replayed_and_another_body_under_the_key_is_422()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 50);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);
        var key = Guid.NewGuid().ToString();

        var first = await CheckoutAsync(cart, Body(quote), key);
        var again = await CheckoutAsync(cart, Body(quote), key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"), "the first answer is no replay");
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));

        var other = await CheckoutAsync(cart, Body(quote, email: "someone.else@tests.local"), key);
        Assert.Equal("idempotency_key_reused", (await other.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString());
        Assert.Equal(49, await StockAsync(offers[0]));
    }

    [Fact]
    public async Task A_declined_answer_is_replayed_as_it_was()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);
        var key = Guid.NewGuid().ToString();

        var first = await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_chargeDeclined"), key);
        var again = await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_chargeDeclined"), key);
        Assert.Equal(HttpStatusCode.PaymentRequired, first.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(["true"], again.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(5, await StockAsync(offers[0]));
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_cart_owner()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 50);
        var mine = await GuestCartAsync(host, (offers[0], 1));
        var theirs = await GuestCartAsync(host, (offers[0], 1));
        var key = Guid.NewGuid().ToString();

        var a = await Expect(await CheckoutAsync(mine, Body(await QuoteAsync(mine)), key), HttpStatusCode.Created);
        var b = await Expect(await CheckoutAsync(theirs, Body(await QuoteAsync(theirs)), key), HttpStatusCode.Created);
        Assert.NotEqual(a.GetProperty("orderGroupId").GetGuid(), b.GetProperty("orderGroupId").GetGuid());
    }

    private async Task<int> GroupsOfSellerAsync(Guid sellerId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        return await db.SellerOrders.CountAsync(o => o.SellerId == sellerId);
    }
}
