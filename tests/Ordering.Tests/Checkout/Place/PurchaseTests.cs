using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.Ordering.Checkout.Settlement;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>The whole purchase through HTTP only, from an empty cart to orders the customer and every seller see.</summary>
public class PurchaseTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task A_guest_buys_from_two_sellers_and_each_sees_its_order()
    {
        var first = await CatalogFlows.OffersAsync(host, 2, price: 12.5m, stock: 10);
        var second = await CatalogFlows.OffersAsync(host, 1, price: 7m, stock: 10);
        var cart = await GuestCartAsync(host, (first[0], 2), (first[1], 1), (second[0], 3));

        var quote = await QuoteAsync(cart);
        Assert.Equal(2, quote.GetProperty("sellers").GetArrayLength());
        Assert.All(quote.GetProperty("sellers").EnumerateArray(), s => Assert.NotEmpty(s.GetProperty("options").EnumerateArray()));
        Assert.False(string.IsNullOrEmpty(quote.GetProperty("cartFingerprint").GetString()));

        var placed = await Expect(await CheckoutAsync(cart, Body(quote)), HttpStatusCode.Created);
        Assert.Equal("authorized", placed.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(quote.GetProperty("total").GetDecimal(), placed.GetProperty("total").GetDecimal());
        var orders = placed.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.Equal("placed", o.GetProperty("status").GetString()));
        var token = placed.GetProperty("orderAccessToken").GetString()!;
        Assert.StartsWith("ot_", token);

        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", token);
        foreach (var order in orders)
        {
            var read = await Expect(await reader.GetAsync($"/api/v1/orders/{order.GetProperty("id").GetGuid()}"), HttpStatusCode.OK);
            Assert.Equal("placed", read.GetProperty("status").GetString());
            Assert.Equal(["PaymentAuthorized"], read.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("transition").GetString()));
        }

        foreach (var (seller, offer) in new[] { (first[0].SellerId, first[0]), (second[0].SellerId, second[0]) })
        {
            var list = await ListedAsync(offer.Seller, $"/api/v1/sellers/{seller}/orders", 1);
            var row = Assert.Single(list.GetProperty("items").EnumerateArray());
            Assert.Contains(orders, o => o.GetProperty("id").GetGuid() == row.GetProperty("id").GetGuid());
        }

        Assert.Equal(8, await StockAsync(first[0]));
        Assert.Equal(7, await StockAsync(second[0]));
        var emptied = await Expect(await cart.GetAsync("/api/v1/cart"), HttpStatusCode.OK);
        Assert.Empty(emptied.GetProperty("sellers").EnumerateArray());
    }

    [Fact]
    public async Task A_customer_buys_without_giving_an_email_and_finds_the_orders_in_its_list()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, price: 20m, stock: 5);
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var cart = await CustomerCartAsync(host, customer, (offers[0], 1));

        var quote = await QuoteAsync(cart);
        var placed = await Expect(await CheckoutAsync(cart, Body(quote, email: null)), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, placed.GetProperty("orderAccessToken").ValueKind);

        var mine = await ListedAsync(cart, "/api/v1/orders", 1);
        var row = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(placed.GetProperty("orders")[0].GetProperty("id").GetGuid(), row.GetProperty("id").GetGuid());
        Assert.Equal("placed", row.GetProperty("status").GetString());
        var sellerList = await ListedAsync(offers[0].Seller, $"/api/v1/sellers/{offers[0].SellerId}/orders", 1);
        Assert.Single(sellerList.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_guest_cancelling_a_placed_order_gets_its_units_back_on_sale_and_a_seller_rejecting_one_too()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 2));
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        Assert.Equal(3, await StockAsync(offers[0]));
        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", placed.GetProperty("orderAccessToken").GetString());
        var orderId = placed.GetProperty("orders")[0].GetProperty("id").GetGuid();

        using var cancel = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{orderId}/cancel") { Headers = { { "If-Match", "*" } } };
        var cancelled = await Expect(await guest.SendAsync(cancel), HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        await Eventually.ReadAsync(() => StockAsync(offers[0]), stock => stock == 5);

        var second = await GuestCartAsync(host, (offers[0], 1));
        var other = await Expect(await CheckoutAsync(second, Body(await QuoteAsync(second))), HttpStatusCode.Created);
        Assert.Equal(4, await StockAsync(offers[0]));
        using var reject = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sellers/{offers[0].SellerId}/orders/{other.GetProperty("orders")[0].GetProperty("id").GetGuid()}/reject")
        {
            Headers = { { "If-Match", "*" } },
            Content = JsonContent.Create(new { reason = "Damaged in the warehouse" }),
        };
        await Expect(await offers[0].Seller.SendAsync(reject), HttpStatusCode.OK);
        await Eventually.ReadAsync(() => StockAsync(offers[0]), stock => stock == 5);
    }

    [Fact]
    public async Task A_declined_payment_is_402_with_the_reason_and_nothing_stays_reserved()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 3);
        var cart = await GuestCartAsync(host, (offers[0], 3));
        var quote = await QuoteAsync(cart);

        var declined = await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_chargeDeclined"));
        var problem = await declined.AssertProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Equal("payment_declined", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("reason").GetString()));
        Assert.Equal(3, await StockAsync(offers[0]));

        // The same stock can be bought at once by the next attempt.
        var paid = await Expect(await CheckoutAsync(cart, Body(quote)), HttpStatusCode.Created);
        Assert.Equal("placed", paid.GetProperty("orders")[0].GetProperty("status").GetString());
        Assert.Equal(0, await StockAsync(offers[0]));
    }

    [Fact]
    public async Task More_units_than_stock_is_409_naming_the_line_and_reserves_nothing()
    {
        var offers = await CatalogFlows.OffersAsync(host, 2, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 2), (offers[1], 4));
        var quote = await QuoteAsync(cart);
        await CatalogFlows.ChangeOfferAsync(offers[1], stock: 1);

        var refused = await CheckoutAsync(cart, Body(quote));
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.True(problem.GetProperty("code").GetString() is "out_of_stock" or "cart_lines_changed", problem.ToString());
        Assert.Contains(problem.GetProperty("lines").EnumerateArray(), l => l.GetProperty("offerId").GetGuid() == offers[1].OfferId);
        Assert.Equal(5, await StockAsync(offers[0]));
        Assert.Equal(1, await StockAsync(offers[1]));
    }

    [Fact]
    public async Task A_price_changed_since_the_quote_is_409_with_the_new_priced_cart()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, price: 10m, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);
        await CatalogFlows.ChangeOfferAsync(offers[0], price: 11m);

        var problem = await (await CheckoutAsync(cart, Body(quote))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.True(problem.GetProperty("code").GetString() is "price_changed" or "cart_lines_changed", problem.ToString());
        Assert.Equal(5, await StockAsync(offers[0]));
    }

    [Fact]
    public async Task A_quote_for_another_address_or_an_unknown_quote_is_409_naming_the_delivery()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);

        var elsewhere = await (await CheckoutAsync(cart, Body(quote, address: Munich))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("quote_for_another_address", elsewhere.GetProperty("code").GetString());

        var unknown = new
        {
            email = "guest@tests.local",
            shippingAddress = Berlin,
            delivery = new[] { new { sellerId = offers[0].SellerId, quoteId = Guid.NewGuid(), optionId = "standard" } },
            paymentMethodId = "pm_card_visa",
            expectedTotal = quote.GetProperty("total").GetDecimal(),
        };
        Assert.Equal("quote_not_found", (await (await CheckoutAsync(cart, unknown)).AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal(5, await StockAsync(offers[0]));
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_never_a_500()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 5);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);

        var noKey = await cart.PostAsJsonAsync("/api/v1/checkout", Body(quote));
        Assert.Contains("Idempotency-Key", (await noKey.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").ToString());
        await (await CheckoutAsync(cart, Body(quote, paymentMethodId: "4242 4242 4242 4242"))).AssertValidationProblemAsync("paymentMethodId");
        await (await CheckoutAsync(cart, Body(quote, email: null))).AssertValidationProblemAsync("email");
        await (await CheckoutAsync(cart, new { shippingAddress = new { country = "Germany" } })).AssertValidationProblemAsync("shippingAddress.country");
        await (await cart.PostAsJsonAsync("/api/v1/checkout/quote", new { shippingAddress = new { name = "x" } })).AssertValidationProblemAsync("shippingAddress.country");
        Assert.Equal(5, await StockAsync(offers[0]));
    }

    [Fact]
    public async Task A_3DS_payment_answers_requires_action_and_places_the_orders_once_the_customer_completes_it()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 4);
        var cart = await GuestCartAsync(host, (offers[0], 2));
        var quote = await QuoteAsync(cart);

        var pending = await Expect(await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_authenticationRequired")), HttpStatusCode.Created);
        var payment = pending.GetProperty("payment");
        Assert.Equal("requires_action", payment.GetProperty("status").GetString());
        Assert.Equal("pending_payment", pending.GetProperty("orders")[0].GetProperty("status").GetString());
        Assert.Equal(2, await StockAsync(offers[0]));
        var action = payment.GetProperty("nextAction");

        var confirmed = await host.CreateClient().PostAsJsonAsync(action.GetProperty("confirmationPath").GetString(),
            new { clientSecret = action.GetProperty("clientSecret").GetString(), outcome = "Complete" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", pending.GetProperty("orderAccessToken").GetString());
        var orderId = pending.GetProperty("orders")[0].GetProperty("id").GetGuid();
        var placed = await Eventually.ReadAsync(
            async () => await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}"),
            o => o.GetProperty("status").GetString() == "placed");
        Assert.Equal(["PaymentAuthorized"], placed.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("transition").GetString()));
        Assert.Equal(2, await StockAsync(offers[0]));

        // The cart loses the bought lines once the payment event placed the orders, as at a checkout paid at once.
        await Eventually.ReadAsync(
            async () => await cart.GetFromJsonAsync<JsonElement>("/api/v1/cart"),
            c => !c.GetProperty("sellers").EnumerateArray().SelectMany(s => s.GetProperty("lines").EnumerateArray()).Any());
    }

    [Fact]
    public async Task A_guest_cancelling_while_the_3DS_step_is_open_gets_the_held_units_released()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 3);
        var cart = await GuestCartAsync(host, (offers[0], 3));
        var pending = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart), paymentMethodId: "pm_card_authenticationRequired")), HttpStatusCode.Created);
        Assert.Equal(0, await StockAsync(offers[0]));
        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", pending.GetProperty("orderAccessToken").GetString());

        using var cancel = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{pending.GetProperty("orders")[0].GetProperty("id").GetGuid()}/cancel")
        {
            Headers = { { "If-Match", "*" } },
        };
        Assert.Equal("cancelled", (await Expect(await guest.SendAsync(cancel), HttpStatusCode.OK)).GetProperty("status").GetString());
        await Eventually.ReadAsync(() => StockAsync(offers[0]), stock => stock == 3);
    }

    [Fact]
    public async Task A_failed_3DS_step_cancels_the_orders_and_gives_the_stock_back()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: 4);
        var cart = await GuestCartAsync(host, (offers[0], 4));
        var quote = await QuoteAsync(cart);

        var pending = await Expect(await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_authenticationRequired")), HttpStatusCode.Created);
        var action = pending.GetProperty("payment").GetProperty("nextAction");
        Assert.Equal(0, await StockAsync(offers[0]));
        await host.CreateClient().PostAsJsonAsync(action.GetProperty("confirmationPath").GetString(),
            new { clientSecret = action.GetProperty("clientSecret").GetString(), outcome = "Fail" });

        await Eventually.ReadAsync(() => StockAsync(offers[0]), stock => stock == 4);
        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", pending.GetProperty("orderAccessToken").GetString());
        var order = await Eventually.ReadAsync(
            async () => await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{pending.GetProperty("orders")[0].GetProperty("id").GetGuid()}"),
            o => o.GetProperty("status").GetString() == "cancelled");
        Assert.Equal("PaymentFailed", order.GetProperty("timeline")[0].GetProperty("transition").GetString());
    }
}

/// <summary>The main purchase on the embedded profile: SQLite, the in-memory bus, carts in process memory.</summary>
public sealed class EmbeddedPurchaseTests(EmbeddedOrderingHost host) : IClassFixture<EmbeddedOrderingHost>
{
    [Fact]
    public async Task A_guest_buys_on_the_embedded_profile_and_the_seller_sees_the_order()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, price: 9m, stock: 3);
        var cart = await GuestCartAsync(host, (offers[0], 2));
        var quote = await QuoteAsync(cart);

        var placed = await Expect(await CheckoutAsync(cart, Body(quote)), HttpStatusCode.Created);
        Assert.Equal("placed", placed.GetProperty("orders")[0].GetProperty("status").GetString());
        Assert.Equal(1, await StockAsync(offers[0]));
        await ListedAsync(offers[0].Seller, $"/api/v1/sellers/{offers[0].SellerId}/orders", rows: 1);
    }

    [Fact]
    public async Task The_checkout_runner_beats_and_the_stopped_checkouts_sweep_runs_on_sqlite()
    {
        var runner = host.Services.GetRequiredService<ThisRunner>();
        var hosted = host.Services.GetServices<IHostedService>().ToList();

        await hosted.OfType<CheckoutRunnerHeartbeat>().Single().BeatAsync(default);
        var swept = await hosted.OfType<AbandonedCheckoutSweeper>().Single().SweepOnceAsync(default);

        await using var scope = host.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().CheckoutRunners.AsNoTracking().SingleAsync(r => r.Id == runner.Id);
        // Stored to the millisecond on SQLite (DateTimeOffsetToBinaryConverter).
        Assert.InRange((runner.LastBeatAt - row.SeenAt).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.True(swept >= 0);
    }
}
