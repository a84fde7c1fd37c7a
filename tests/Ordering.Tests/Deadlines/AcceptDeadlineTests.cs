using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Ordering.Deadlines;
using Marketplace.Payments.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Deadlines;

/// <summary>The accept-by deadline of an order placed through checkout, with four seconds to accept.</summary>
public sealed class AcceptDeadlineTests(DeadlinesHost host) : IClassFixture<DeadlinesHost>
{
    [Fact]
    public async Task A_placed_order_not_accepted_in_time_is_cancelled_by_the_platform_with_its_stock_back_and_its_payment_voided()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var cart = await CustomerCartAsync(host, customer, (offer, 2));
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        var orderId = placed.GetProperty("orders")[0].GetProperty("id").GetGuid();
        var groupId = placed.GetProperty("orderGroupId").GetGuid();
        Assert.Equal(3, await StockAsync(offer));

        var read = await cart.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");
        var deadlines = read.GetProperty("deadlines");
        var placedAt = read.GetProperty("timeline")[0].GetProperty("at").GetDateTimeOffset();
        Assert.Equal(placedAt + DeadlinesHost.AcceptWithin, deadlines.GetProperty("acceptBy").GetDateTimeOffset());
        Assert.True(deadlines.GetProperty("shipBy").GetDateTimeOffset() >= deadlines.GetProperty("acceptBy").GetDateTimeOffset());
        Assert.True(deadlines.GetProperty("deliverBy").GetDateTimeOffset() > deadlines.GetProperty("shipBy").GetDateTimeOffset());
        Assert.All(await host.DeadlinesOfAsync(orderId), d => Assert.True(d.IsOpen));

        var cancelled = await Eventually.ReadAsync(
            async () => await cart.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}"),
            o => o.GetProperty("status").GetString() == "cancelled");

        var last = cancelled.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("AcceptDeadlineMissed", last.GetProperty("transition").GetString());
        Assert.Equal("system", last.GetProperty("actor").GetString());
        Assert.True(last.GetProperty("at").GetDateTimeOffset() >= deadlines.GetProperty("acceptBy").GetDateTimeOffset());
        Assert.Contains("Not accepted by its deadline", cancelled.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["OrderPlaced", "OrderCancelled"], await host.EventsAsync(orderId));

        // The same path as a seller's reject: the sold units come back and the group's payment is released.
        Assert.Equal(5, await Eventually.ReadAsync(() => StockAsync(offer), stock => stock == 5));
        var payment = await Eventually.ReadAsync(PaymentOfGroupAsync(groupId), p => p?.Status == PaymentStatus.Canceled);
        Assert.Equal(PaymentStatus.Canceled, payment?.Status);

        // Fired once; the order's other timers closed in the same save as the cancellation.
        var timers = (await host.DeadlinesOfAsync(orderId)).ToDictionary(d => d.Kind, d => d.Outcome);
        Assert.Equal(DeadlineOutcome.Cancelled, timers[DeadlineKind.AcceptBy]);
        Assert.Equal(DeadlineOutcome.Closed, timers[DeadlineKind.ShipBy]);
        Assert.Equal(DeadlineOutcome.Closed, timers[DeadlineKind.DeliverBy]);
    }

    [Fact]
    public async Task An_order_accepted_in_time_closes_its_accept_timer_and_stays_accepted_after_the_deadline()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var cart = await GuestCartAsync(host, (offer, 1));
        var placed = await Expect(await CheckoutAsync(cart, Body(await QuoteAsync(cart))), HttpStatusCode.Created);
        var orderId = placed.GetProperty("orders")[0].GetProperty("id").GetGuid();
        var path = $"/api/v1/sellers/{offer.SellerId}/orders/{orderId}";

        var current = await offer.Seller.GetAsync(path);
        using var accept = new HttpRequestMessage(HttpMethod.Post, $"{path}/accept") { Headers = { { "If-Match", current.Headers.ETag!.ToString() } } };
        var accepted = await Expect(await offer.Seller.SendAsync(accept), HttpStatusCode.OK);
        var acceptBy = accepted.GetProperty("deadlines").GetProperty("acceptBy").GetDateTimeOffset();

        var timers = (await host.DeadlinesOfAsync(orderId)).ToDictionary(d => d.Kind);
        Assert.Equal(DeadlineOutcome.Closed, timers[DeadlineKind.AcceptBy].Outcome);
        Assert.True(timers[DeadlineKind.ShipBy].IsOpen);
        Assert.True(timers[DeadlineKind.DeliverBy].IsOpen);

        // Past its accept-by, a sweep finds nothing of this order to fire.
        var clock = host.Services.GetRequiredService<TimeProvider>();
        await Eventually.ReadAsync(() => Task.FromResult(clock.GetUtcNow()), now => now > acceptBy);
        await host.Sweeper.FireDueAsync(default);
        var after = await Expect(await offer.Seller.GetAsync(path), HttpStatusCode.OK);
        Assert.Equal("accepted", after.GetProperty("status").GetString());
        Assert.Equal(DeadlineOutcome.Closed, (await host.DeadlinesOfAsync(orderId)).Single(d => d.Kind == DeadlineKind.AcceptBy).Outcome);
        Assert.Equal(["OrderPlaced", "OrderAccepted"], await host.EventsAsync(orderId));
    }

    private Func<Task<PaymentState?>> PaymentOfGroupAsync(Guid groupId) => async () =>
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().FindForOrderGroupAsync(groupId, default);
    };
}
