using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Refunds;

/// <summary>
/// Refunds through the seller's and the staff's routes on PostgreSQL, after a real checkout, acceptance and capture on
/// the sandbox: by line units or amount, never above what is left, once per Idempotency-Key, once per unit under races.
/// </summary>
public sealed class RefundRouteTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task A_seller_refunds_units_of_a_line_at_the_lines_unit_price_and_the_order_shows_them_refunded()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 3);

        var refund = await Expect(await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = order.FirstLineId, quantity = 2 } }, reason = "Two mugs broke" }), HttpStatusCode.Created);

        Assert.Equal("refunded", refund.GetProperty("status").GetString());
        Assert.Equal(20.00m, refund.GetProperty("amount").GetDecimal());
        Assert.Equal("seller", refund.GetProperty("requestedBy").GetString());
        var line = Assert.Single(refund.GetProperty("lines").EnumerateArray());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        var read = await order.Seller.GetFromJsonAsync<JsonElement>(order.Path);
        Assert.Equal(2, read.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("lineId").GetGuid() == order.FirstLineId).GetProperty("refundedQuantity").GetInt32());
        var list = await order.Seller.GetFromJsonAsync<JsonElement>(order.Path + "/refunds");
        Assert.Equal(20.00m, list.GetProperty("refunded").GetDecimal());
        Assert.Equal(order.Total - 20.00m, list.GetProperty("refundable").GetDecimal());
        Assert.Single(list.GetProperty("refunds").EnumerateArray());
        await AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task An_admin_refunds_an_amount_and_then_the_rest_and_nothing_more_is_refundable()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 1);
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var path = $"/api/v1/admin/orders/{order.OrderId}/refunds";

        var part = await Expect(await RefundFlows.PostAsync(admin, path, new { amount = 3.33m }), HttpStatusCode.Created);
        var rest = await Expect(await RefundFlows.PostAsync(admin, path, new { amount = order.Total - 3.33m }), HttpStatusCode.Created);
        var more = await RefundFlows.PostAsync(admin, path, new { amount = 0.01m });

        Assert.Equal("admin", part.GetProperty("requestedBy").GetString());
        Assert.Equal(order.Total - 3.33m, rest.GetProperty("amount").GetDecimal());
        await more.AssertValidationProblemAsync("amount");
        var list = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(0m, list.GetProperty("refundable").GetDecimal());
        Assert.Equal(2, list.GetProperty("refunds").GetArrayLength());
        await AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Refunding_more_units_or_more_money_than_is_left_is_400_naming_the_field_and_counts_nothing()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 2);

        var units = await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = order.FirstLineId, quantity = 3 } } });
        var unknown = await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = Guid.NewGuid(), quantity = 1 } } });
        var money = await RefundFlows.RefundAsync(order, new { amount = order.Total + 0.01m });
        var both = await RefundFlows.RefundAsync(order, new { amount = 1m, lines = new[] { new { lineId = order.FirstLineId, quantity = 1 } } });
        var negative = await RefundFlows.RefundAsync(order, new { amount = -1m });
        var noKey = await order.Seller.PostAsJsonAsync(order.Path + "/refunds", new { amount = 1m });

        await units.AssertValidationProblemAsync("lines[0].quantity");
        await unknown.AssertValidationProblemAsync("lines[0].lineId");
        await money.AssertValidationProblemAsync("amount");
        await both.AssertValidationProblemAsync("amount");
        await negative.AssertValidationProblemAsync("amount");
        await noKey.AssertValidationProblemAsync("Idempotency-Key");
        var list = await order.Seller.GetFromJsonAsync<JsonElement>(order.Path + "/refunds");
        Assert.Equal(0m, list.GetProperty("refunded").GetDecimal());
        Assert.Empty(list.GetProperty("refunds").EnumerateArray());
    }

    [Fact]
    public async Task Ten_concurrent_refunds_of_the_same_units_refund_them_once()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 2);
        var body = new { lines = new[] { new { lineId = order.FirstLineId, quantity = 2 } } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RefundFlows.RefundAsync(order, body)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await refused.AssertValidationProblemAsync("lines[0].quantity");
        }

        var list = await order.Seller.GetFromJsonAsync<JsonElement>(order.Path + "/refunds");
        Assert.Equal(20.00m, list.GetProperty("refunded").GetDecimal());
        Assert.Single(list.GetProperty("refunds").EnumerateArray());
        await AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Concurrent_refunds_by_amount_never_give_back_more_than_the_order_total()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 1);
        var slice = Math.Round(order.Total / 4m, 2, MidpointRounding.ToPositiveInfinity);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RefundFlows.RefundAsync(order, new { amount = slice })));

        var made = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.True(made * slice <= order.Total, $"{made} refunds of {slice} exceed {order.Total}");
        Assert.Equal((int)Math.Floor(order.Total / slice), made);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        Assert.Equal(made * slice, await db.SellerOrders.Where(o => o.Id == order.OrderId).Select(o => o.RefundedAmount).SingleAsync());
        await AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task The_same_idempotency_key_answers_the_first_refund_again_and_another_body_under_it_is_422()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 1);
        var key = Guid.NewGuid().ToString();

        var first = await RefundFlows.RefundAsync(order, new { amount = 2m }, key);
        var again = await RefundFlows.RefundAsync(order, new { amount = 2m }, key);
        var other = await RefundFlows.RefundAsync(order, new { amount = 3m }, key);

        var firstBody = await Expect(first, HttpStatusCode.Created);
        Assert.Equal(firstBody.GetProperty("id").GetGuid(), (await Expect(again, HttpStatusCode.Created)).GetProperty("id").GetGuid());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        await other.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var list = await order.Seller.GetFromJsonAsync<JsonElement>(order.Path + "/refunds");
        Assert.Single(list.GetProperty("refunds").EnumerateArray());
    }

    [Fact]
    public async Task A_placed_order_is_not_refundable_yet_and_another_sellers_order_is_not_found()
    {
        var offers = await CatalogFlows.OffersAsync(host, 1, price: 10m);
        var placed = await RefundFlows.CheckoutOneAsync(host, offers[0], 1);
        var other = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 1);

        var early = await RefundFlows.PostAsync(offers[0].Seller, $"/api/v1/sellers/{offers[0].SellerId}/orders/{placed.OrderId}/refunds", new { amount = 1m });
        var foreign = await RefundFlows.PostAsync(offers[0].Seller, $"/api/v1/sellers/{offers[0].SellerId}/orders/{other.OrderId}/refunds", new { amount = 1m });
        var foreignList = await offers[0].Seller.GetAsync($"/api/v1/sellers/{offers[0].SellerId}/orders/{other.OrderId}/refunds");

        Assert.Equal("NotCaptured", (await early.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("rule").GetString());
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        await foreignList.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Units_refunded_before_the_order_ships_go_back_to_stock_and_a_later_cancellation_returns_only_the_rest()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 3);
        Assert.Equal(97, await StockAsync(order.FirstOffer));

        var refund = await Expect(await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = order.FirstLineId, quantity = 1 } } }), HttpStatusCode.Created);

        Assert.True(refund.GetProperty("restocked").GetBoolean());
        Assert.Equal(98, await Eventually.ReadAsync(() => StockAsync(order.FirstOffer), stock => stock == 98));
        var guest = host.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Order-Token", order.GuestToken);
        var read = await guest.GetAsync($"/api/v1/orders/{order.OrderId}");
        await Expect(
            await guest.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{order.OrderId}/cancel")
            {
                Headers = { { "If-Match", read.Headers.ETag!.Tag } },
                Content = JsonContent.Create(new { reason = "Changed my mind" }),
            }),
            HttpStatusCode.OK);

        // The two units not refunded come back with the cancellation; the refunded one is not returned a second time.
        Assert.Equal(100, await Eventually.ReadAsync(() => StockAsync(order.FirstOffer), stock => stock >= 100));
        await AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Units_refunded_after_the_order_shipped_do_not_come_back_to_stock()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 2);
        await Expect(
            await order.Seller.SendAsync(new HttpRequestMessage(HttpMethod.Post, order.Path + "/ship")
            {
                Headers = { { "If-Match", "\"3\"" } },
                Content = JsonContent.Create(new { carrier = "DHL", trackingNumber = "JJD000390007" }),
            }),
            HttpStatusCode.OK);

        var refund = await Expect(await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = order.FirstLineId, quantity = 1 } } }), HttpStatusCode.Created);

        Assert.False(refund.GetProperty("restocked").GetBoolean());
        Assert.Equal("refunded", refund.GetProperty("status").GetString());
        Assert.Equal(98, await StockAsync(order.FirstOffer));
    }

    [Fact]
    public async Task A_refund_whose_request_never_learned_the_outcome_is_closed_as_refused_when_payments_says_the_provider_refused_it()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 1);
        var refundId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;

        // What the seller's request counted before it asked Payments, and nothing after: it never learned the answer.
        decimal refundedBefore;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            refundedBefore = await db.SellerOrders.Where(o => o.Id == order.OrderId).Select(o => o.RefundedAmount).SingleAsync();
            var key = new Marketplace.Ordering.Checkout.Idempotency.IdempotencyRecord
            {
                Id = Guid.NewGuid(), OwnerScope = $"refund:seller:{order.FirstOffer.SellerId}", Key = refundId.ToString(), RequestHash = [1],
                OrderGroupId = order.GroupId, CreatedAt = now, ExpiresAt = now.AddDays(1),
            };
            db.IdempotencyKeys.Add(key);
            db.Refunds.Add(new Marketplace.Ordering.Refunds.OrderRefund
            {
                Id = refundId, OrderId = order.OrderId, SellerId = order.FirstOffer.SellerId, IdempotencyKeyId = key.Id, Amount = 5.00m, Currency = "EUR",
                Status = Marketplace.Ordering.Refunds.OrderRefundStatus.Pending, RequestedByKind = Marketplace.Ordering.Orders.ActorKind.Seller, RequestedById = order.FirstOffer.SellerId.ToString(), CreatedAt = now,
            });
            await db.SaveChangesAsync();
            await db.SellerOrders.Where(o => o.Id == order.OrderId).ExecuteUpdateAsync(set => set.SetProperty(o => o.RefundedAmount, o => o.RefundedAmount + 5.00m));
        }

        // Payments refused it (here: the whole order was given back meanwhile, so asked again it is above what is left).
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var payments = scope.ServiceProvider.GetRequiredService<IPayments>();
            Assert.Equal(RefundOutcome.Refunded, (await payments.RefundAsync(new RefundPayment(Guid.NewGuid(), order.OrderId, Money.Of(order.Total, "EUR"), null), CancellationToken.None)).Outcome);
            await scope.ServiceProvider.GetRequiredService<MassTransit.IBus>().Publish(new PaymentRefundRefused(
                refundId, Guid.Empty, order.GroupId, order.OrderId, order.FirstOffer.SellerId, Money.Of(5.00m, "EUR"), "charge_disputed", now));
        }

        var closed = await Eventually.ReadAsync(
            async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
                var refund = await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refundId);
                var answered = await db.IdempotencyKeys.AsNoTracking().Where(k => k.Id == refund.IdempotencyKeyId).Select(k => k.ResponseStatus).SingleAsync();
                var refunded = await db.SellerOrders.AsNoTracking().Where(o => o.Id == order.OrderId).Select(o => o.RefundedAmount).SingleAsync();
                return (refund.Status, answered, refunded);
            },
            r => r.Status != Marketplace.Ordering.Refunds.OrderRefundStatus.Pending);

        Assert.Equal(Marketplace.Ordering.Refunds.OrderRefundStatus.Refused, closed.Status);
        Assert.NotNull(closed.answered);
        Assert.NotEqual(201, closed.answered);
        Assert.Equal(refundedBefore, closed.refunded);
    }

    private Task AssertLedgerBalancedAsync() => RefundFlows.AssertLedgerBalancedAsync(host);
}

/// <summary>What the refund tests arrange: an order bought, accepted and captured through the API, and refund requests.</summary>
internal static class RefundFlows
{
    internal sealed record CapturedOrder(Guid OrderId, Guid GroupId, Guid FirstLineId, decimal Total, HttpClient Seller, string Path, SellerOffer FirstOffer, string GuestToken);

    /// <summary>A guest buys <paramref name="unitsOfFirst"/> units at 10 EUR and one unit of a second SKU; the seller accepts; the payment is captured.</summary>
    internal static async Task<CapturedOrder> CapturedOrderAsync(OrderingHost host, int unitsOfFirst)
    {
        var offers = await CatalogFlows.OffersAsync(host, 2, price: 10m);
        var cart = await GuestCartAsync(host, (offers[0], unitsOfFirst), (offers[1], 1));
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        var orderJson = placed.GetProperty("orders")[0];
        var orderId = orderJson.GetProperty("id").GetGuid();
        var groupId = placed.GetProperty("orderGroupId").GetGuid();
        var seller = offers[0].Seller;
        var path = $"/api/v1/sellers/{offers[0].SellerId}/orders/{orderId}";
        await Expect(await seller.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/accept") { Headers = { { "If-Match", "\"2\"" } } }), HttpStatusCode.OK);
        await Eventually.ReadAsync(
            async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<IPayments>().FindForOrderGroupAsync(groupId, CancellationToken.None);
            },
            p => p?.Status == PaymentStatus.Captured);
        var read = await seller.GetFromJsonAsync<JsonElement>(path);
        var firstLine = read.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("offerId").GetGuid() == offers[0].OfferId).GetProperty("lineId").GetGuid();
        return new CapturedOrder(
            orderId, groupId, firstLine, orderJson.GetProperty("total").GetDecimal(), seller, path, offers[0], placed.GetProperty("orderAccessToken").GetString()!);
    }

    internal static async Task<(Guid OrderId, Guid GroupId)> CheckoutOneAsync(OrderingHost host, SellerOffer offer, int units)
    {
        var cart = await GuestCartAsync(host, (offer, units));
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        return (placed.GetProperty("orders")[0].GetProperty("id").GetGuid(), placed.GetProperty("orderGroupId").GetGuid());
    }

    internal static Task<HttpResponseMessage> RefundAsync(CapturedOrder order, object body, string? key = null) =>
        PostAsync(order.Seller, order.Path + "/refunds", body, key);

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string? key = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Headers = { { "Idempotency-Key", key ?? Guid.NewGuid().ToString() } },
            Content = JsonContent.Create(body),
        });

    /// <summary>The platform's ledger as finance reads it: every currency's accounts add up to zero.</summary>
    internal static async Task AssertLedgerBalancedAsync(OrderingHost host)
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var balances = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/ledger/balances");
        foreach (var currency in balances.GetProperty("accounts").EnumerateArray().GroupBy(a => a.GetProperty("currency").GetString()))
        {
            Assert.Equal(0L, currency.Sum(a => a.GetProperty("amountMinor").GetInt64()));
        }
    }
}

/// <summary>The refund flow on the embedded profile (SQLite, in-memory bus): the conditional updates and the booking work there too.</summary>
public sealed class EmbeddedRefundTests(EmbeddedOrderingHost host) : IClassFixture<EmbeddedOrderingHost>
{
    [Fact]
    public async Task A_refund_by_line_and_then_by_amount_is_booked_and_an_over_refund_is_400_on_the_embedded_profile()
    {
        var order = await RefundFlows.CapturedOrderAsync(host, unitsOfFirst: 2);

        await Expect(await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = order.FirstLineId, quantity = 1 } } }), HttpStatusCode.Created);
        await Expect(await RefundFlows.RefundAsync(order, new { amount = 1.50m }), HttpStatusCode.Created);
        var over = await RefundFlows.RefundAsync(order, new { lines = new[] { new { lineId = order.FirstLineId, quantity = 2 } } });

        await over.AssertValidationProblemAsync("lines[0].quantity");
        var list = await order.Seller.GetFromJsonAsync<JsonElement>(order.Path + "/refunds");
        Assert.Equal(11.50m, list.GetProperty("refunded").GetDecimal());
        await RefundFlows.AssertLedgerBalancedAsync(host);
    }
}
