using System.Net;
using System.Net.Http.Json;
using Marketplace.Cart.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests.Pricing;

public sealed class PricedCartTests(PricedCartFactory factory) : IClassFixture<PricedCartFactory>
{
    // The product promises a second; the rest is room for a loaded CI machine, so a much slower pick-up still fails.
    private static readonly TimeSpan PromisedSecond = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task Every_read_prices_the_cart_by_the_rules_in_configuration_and_explains_the_discount()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);

        var cart = await CartArrange.AddOkAsync(guest, offers[0].OfferId, 3);

        Assert.Equal(30m, CartArrange.Amount(cart.GetProperty("subtotal")));
        Assert.Equal(3m, CartArrange.Amount(cart.GetProperty("discount")));
        Assert.Equal(27m, CartArrange.Amount(cart.GetProperty("total")));
        var line = CartArrange.Line(cart, offers[0].OfferId);
        Assert.Equal("ten-off", Assert.Single(line.GetProperty("discounts").EnumerateArray()).GetProperty("ruleId").GetString());
        Assert.Equal(27m, CartArrange.Amount(line.GetProperty("total")));
        var delivery = Assert.Single(cart.GetProperty("sellers").EnumerateArray()).GetProperty("freeDelivery");
        Assert.False(delivery.GetProperty("met").GetBoolean());
        Assert.Equal(23m, CartArrange.Amount(delivery.GetProperty("missing")));
    }

    [Fact]
    public async Task A_promo_code_applies_until_its_uses_are_spent_by_placed_orders()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);
        var plain = await CartArrange.AddOkAsync(guest, offers[0].OfferId, 3);

        var withCode = await CartArrange.OkAsync(await guest.PostAsJsonAsync("/api/v1/cart/promo-codes", new { code = "save5" }));
        await factory.Services.GetRequiredService<IPromoCodeUsage>().TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [new PromoCodeLimit("SAVE5", 1, null)], CancellationToken.None);
        var spent = await CartArrange.ReadAsync(guest);

        var applied = Assert.Single(withCode.GetProperty("promoCodes").EnumerateArray());
        Assert.True(applied.GetProperty("applied").GetBoolean(), applied.ToString());
        Assert.True(CartArrange.Amount(withCode.GetProperty("total")) < CartArrange.Amount(plain.GetProperty("total")));
        Assert.Contains(CartArrange.Line(withCode, offers[0].OfferId).GetProperty("discounts").EnumerateArray(), d => d.GetProperty("ruleId").GetString() == "save5");
        var refused = Assert.Single(spent.GetProperty("promoCodes").EnumerateArray());
        Assert.False(refused.GetProperty("applied").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(refused.GetProperty("reason").GetString()));
        Assert.Equal(CartArrange.Amount(plain.GetProperty("total")), CartArrange.Amount(spent.GetProperty("total")));
    }

    [Fact]
    public async Task A_rule_changed_in_the_rules_file_reprices_the_next_reads_without_a_restart()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        var before = await CartArrange.ReadAsync(guest);

        decimal after;
        try
        {
            factory.WriteRules(tenOffPercent: 25);
            after = await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 15m);
        }
        finally
        {
            await RestoreRulesAsync(guest);
        }

        Assert.Equal(18m, CartArrange.Amount(before.GetProperty("total")));
        Assert.Equal(15m, after);
    }

    [Fact]
    public async Task A_rule_changed_through_the_marketing_api_reprices_carts_within_a_second_and_an_invalid_one_changes_nothing()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        var marketing = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        var read = await marketing.GetAsync("/api/v1/marketing/rules/pricing");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var version = read.Headers.ETag!.ToString();

        var invalid = await PutRulesAsync(marketing, PricedCartFactory.Rules(tenOffPercent: 150), version);
        var unchanged = await TotalAsync(guest);
        var applied = await PutRulesAsync(marketing, PricedCartFactory.Rules(tenOffPercent: 25), version);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        decimal repriced;
        try
        {
            repriced = await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 15m, PromisedSecond);
        }
        finally
        {
            await RestoreRulesAsync(guest);
        }

        await invalid.AssertValidationProblemAsync("discounts[0].percent");
        Assert.Equal(18m, unchanged);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(15m, repriced);
        Assert.True(clock.Elapsed < PromisedSecond, $"The new price showed after {clock.Elapsed.TotalMilliseconds:0} ms.");
    }

    private static Task<HttpResponseMessage> PutRulesAsync(HttpClient marketing, string document, string version)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/marketing/rules/pricing")
        {
            Content = new StringContent(document, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", version);
        return marketing.SendAsync(request);
    }

    /// <summary>Puts the class's rules back and waits until they are in force, for the other tests of this class.</summary>
    private async Task RestoreRulesAsync(HttpClient guest)
    {
        factory.WriteRules(tenOffPercent: 10);
        await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 18m);
    }

    private static async Task<decimal> TotalAsync(HttpClient guest) =>
        CartArrange.Amount((await CartArrange.ReadAsync(guest)).GetProperty("total"));
}
