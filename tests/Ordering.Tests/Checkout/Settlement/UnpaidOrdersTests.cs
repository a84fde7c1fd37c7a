using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Settlement;

/// <summary>
/// The host on PostgreSQL and RabbitMQ with sandbox authorisations that last <see cref="Validity"/> instead of seven days,
/// captured <see cref="Margin"/> before they lapse, and Payments' scheduler looking every 200 ms: a lapse and a capture at
/// the deadline happen for real within a test.
/// </summary>
public sealed class ShortAuthorisationHost : OrderingHost
{
    public static readonly TimeSpan Validity = TimeSpan.FromSeconds(12);
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(6);

    public ShortAuthorisationHost()
    {
        Settings["Payments:Sandbox:AuthorizationValidity"] = Validity.ToString("c");
        Settings["Payments:CaptureSafetyMargin"] = Margin.ToString("c");
        Settings["Payments:SweepInterval"] = "00:00:00.200";

        // A claim holds a payment for two minutes by default, far less than the day's margin in production but more than
        // this host's whole authorisation: the pass at the margin would hold it past its lapse.
        Settings["Payments:CaptureClaimLease"] = "00:00:01";
    }
}

/// <summary>
/// Orders whose money is gone end cancelled, with their stock back and the buyer and the seller told: every order of a
/// group whose authorisation lapsed uncaptured, and the orders a capture at the deadline left out.
/// </summary>
public sealed class UnpaidOrdersTests(ShortAuthorisationHost host) : IClassFixture<ShortAuthorisationHost>
{
    private static readonly TimeSpan Deadline = ShortAuthorisationHost.Validity + TimeSpan.FromSeconds(40);

    [Fact]
    public async Task When_no_seller_accepts_before_the_authorisation_lapses_every_order_is_cancelled_its_stock_returns_and_buyer_and_sellers_are_mailed()
    {
        var first = (await CatalogFlows.OffersAsync(host, 1, price: 10m, stock: 10))[0];
        var second = (await CatalogFlows.OffersAsync(host, 1, price: 7m, stock: 10))[0];
        var (groupId, orders) = await BuyAsync((first, 2), (second, 3));
        Assert.Equal(8, await StockAsync(first));
        Assert.Equal(7, await StockAsync(second));

        var lapsed = await Eventually.ReadAsync(() => PaymentAsync(groupId), p => p?.Status == PaymentStatus.Lapsed, Deadline);
        Assert.Equal(PaymentStatus.Lapsed, lapsed!.Status);

        foreach (var (orderId, offer) in orders)
        {
            var order = await CancelledAsync(orderId, offer);
            Assert.Equal("cancelled", order.GetProperty("status").GetString());
            var last = order.GetProperty("timeline").EnumerateArray().Last();
            Assert.Equal("PaymentAuthorizationLapsed", last.GetProperty("transition").GetString());
            Assert.Contains("lapsed", last.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        await Eventually.ReadAsync(() => StockAsync(first), stock => stock == 10);
        await Eventually.ReadAsync(() => StockAsync(second), stock => stock == 10);
        Assert.Equal(10, await StockAsync(first));
        Assert.Equal(10, await StockAsync(second));
        foreach (var (orderId, _) in orders)
        {
            var kinds = await Eventually.ReadAsync(() => MailKindsAsync(orderId), k => k.Contains("order-cancelled") && k.Contains("seller-order-unpaid"));
            Assert.Contains("order-cancelled", kinds);
            Assert.Contains("seller-order-unpaid", kinds);
        }
    }

    [Fact]
    public async Task A_capture_at_the_deadline_cancels_the_order_it_left_out_and_returns_only_that_orders_stock()
    {
        var accepted = (await CatalogFlows.OffersAsync(host, 1, price: 10m, stock: 10))[0];
        var waiting = (await CatalogFlows.OffersAsync(host, 1, price: 7m, stock: 10))[0];
        var (groupId, orders) = await BuyAsync((accepted, 2), (waiting, 3));
        var acceptedId = orders.Single(o => o.Offer == accepted).OrderId;
        var waitingId = orders.Single(o => o.Offer == waiting).OrderId;
        await Expect(
            await accepted.Seller.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sellers/{accepted.SellerId}/orders/{acceptedId}/accept") { Headers = { { "If-Match", "\"2\"" } } }),
            HttpStatusCode.OK);

        var captured = await Eventually.ReadAsync(() => PaymentAsync(groupId), p => p?.Status == PaymentStatus.Captured, Deadline);
        var paidTotal = (await accepted.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{accepted.SellerId}/orders/{acceptedId}")).GetProperty("total").GetDecimal();
        Assert.Equal(paidTotal, captured!.Captured!.Value.Amount);

        var leftOut = await CancelledAsync(waitingId, waiting);
        Assert.Equal("PaymentNotCaptured", leftOut.GetProperty("timeline").EnumerateArray().Last().GetProperty("transition").GetString());
        await Eventually.ReadAsync(() => StockAsync(waiting), stock => stock == 10);
        Assert.Equal(10, await StockAsync(waiting));
        var paid = await accepted.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{accepted.SellerId}/orders/{acceptedId}");
        Assert.Equal("accepted", paid.GetProperty("status").GetString());
        Assert.Equal(8, await StockAsync(accepted));
        var kinds = await Eventually.ReadAsync(() => MailKindsAsync(waitingId), k => k.Contains("seller-order-unpaid"));
        Assert.Contains("seller-order-unpaid", kinds);
        Assert.DoesNotContain("seller-order-unpaid", await MailKindsAsync(acceptedId));
    }

    /// <summary>A guest buys the lines, one order per seller; the orders with the offer each was bought from.</summary>
    private async Task<(Guid GroupId, List<(Guid OrderId, SellerOffer Offer)> Orders)> BuyAsync(params (SellerOffer Offer, int Quantity)[] lines)
    {
        var cart = await GuestCartAsync(host, lines);
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        var orders = placed.GetProperty("orders").EnumerateArray()
            .Select(o => (o.GetProperty("id").GetGuid(), lines.Single(l => l.Offer.SellerId == o.GetProperty("sellerId").GetGuid()).Offer))
            .ToList();
        Assert.Equal(lines.Length, orders.Count);
        return (placed.GetProperty("orderGroupId").GetGuid(), orders);
    }

    private async Task<PaymentState?> PaymentAsync(Guid groupId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().FindForOrderGroupAsync(groupId, CancellationToken.None);
    }

    private static Task<JsonElement> CancelledAsync(Guid orderId, SellerOffer offer) =>
        Eventually.ReadAsync(
            async () => await offer.Seller.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{offer.SellerId}/orders/{orderId}"),
            o => o.GetProperty("status").GetString() == "cancelled");

    /// <summary>The kinds of the mails Notifications queued about the order (its mail outbox keys each mail by the order).</summary>
    private async Task<List<string>> MailKindsAsync(Guid orderId)
    {
        await using var connection = new NpgsqlConnection(host.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind FROM notifications.outgoing_mails WHERE dedupe_key LIKE @order", connection);
        command.Parameters.AddWithValue("order", $"%{orderId}%");
        var kinds = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }
}
