using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Checkout.Settlement;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Ordering.Tests.Checkout.Settlement;

/// <summary>The host with a one-second stock hold and a sweeper that looks every 200 ms.</summary>
public sealed class ShortHoldHost : OrderingHost
{
    public ShortHoldHost()
    {
        Settings["Ordering:ReservationLifetime"] = "00:00:01";
        Settings["Ordering:SweepInterval"] = "00:00:00.200";
    }
}

public sealed class AbandonedCheckoutTests(ShortHoldHost host) : IClassFixture<ShortHoldHost>
{
    [Fact]
    public async Task A_checkout_left_before_its_payment_is_cancelled_once_its_hold_expires()
    {
        // What a checkout has written when the process dies before it asks for the payment.
        var group = await host.ArrangeGroupAsync(null, [Guid.NewGuid()], paid: false);
        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);

        var order = await Eventually.ReadAsync(
            async () => await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{group.OrderIds[0]}"),
            o => o.GetProperty("status").GetString() == "cancelled");

        Assert.Equal("PaymentAbandoned", order.GetProperty("timeline")[0].GetProperty("transition").GetString());
        Assert.Equal(["OrderCancelled"], await host.EventsAsync(group.OrderIds[0]));
    }

    [Fact]
    public async Task A_checkout_that_died_after_its_units_were_sold_is_placed_by_its_payment_event_not_cancelled_by_the_sweeper()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];

        // What a checkout has done when the process dies between Catalog's commit of its units and its own save.
        var group = await host.ArrangeGroupAsync(null, [offer.SellerId], paid: false, offerId: offer.OfferId);
        var orderId = group.OrderIds[0];
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var reservations = scope.ServiceProvider.GetRequiredService<IStockReservations>();
            var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            Assert.True((await reservations.ReserveAsync([new StockHold(orderId, [new ReservedLine(offer.OfferId, 2)])], clock.GetUtcNow().AddSeconds(1), default)).Reserved);
            Assert.Equal(SettleOutcome.Done, (await reservations.CommitAsync([orderId], default))[orderId]);
        }

        // Swept once its hold's lifetime has passed (the background sweeper may have swept it already; it stays eligible).
        var sweeper = host.Services.GetServices<IHostedService>().OfType<AbandonedCheckoutSweeper>().Single();
        Assert.True(await Eventually.ReadAsync(() => sweeper.SweepOnceAsync(default), swept => swept > 0) > 0);

        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        var swept = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}");
        Assert.Equal("pending_payment", swept.GetProperty("status").GetString());
        Assert.Equal(3, await CheckoutFlows.StockAsync(offer));

        // The authorised payment's event, as Payments publishes it, places the order its units were sold for.
        await host.Services.GetRequiredService<IBus>().Publish(new PaymentAuthorized(Guid.NewGuid(), group.GroupId, Money.Of(24.9m, "EUR"), DateTimeOffset.UtcNow));
        var placed = await Eventually.ReadAsync(
            async () => await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}"),
            o => o.GetProperty("status").GetString() != "pending_payment");
        Assert.Equal("placed", placed.GetProperty("status").GetString());
        Assert.Equal(3, await CheckoutFlows.StockAsync(offer));
        Assert.Equal(["OrderPlaced"], await host.EventsAsync(orderId));
    }

    [Fact]
    public Task A_checkout_that_died_after_its_payment_was_authorised_at_once_is_placed_by_the_sweeper_and_its_key_answered() =>
        StoppedCheckouts.AssertPlacedAndAnsweredAsync(host, "pm_card_visa");

    [Fact]
    public async Task A_key_left_unanswered_after_a_payment_event_settled_its_group_is_answered_by_the_sweeper()
    {
        // What is left when a webhook that raced the authorise call placed the group, and its checkout died before its own
        // save: the orders placed, the group authorised, the key written and never answered.
        var group = await host.ArrangeGroupAsync(null, [Guid.NewGuid()], paid: true);
        var key = $"raced-{Guid.NewGuid():N}";
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // The payment first, as in the race itself (the webhook reports a payment that exists): a sweep that came
            // between a key written first and its payment would find no payment and rightly answer 409.
            var payment = await scope.ServiceProvider.GetRequiredService<IPayments>().AuthorizeAsync(
                new AuthorizePayment(group.GroupId, Money.Of(24.9m, "EUR"), "pm_card_visa", "buyer@tests.local"), default);
            Assert.Equal(PaymentStatus.Authorized, payment.Payment!.Status);
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.OrderGroups.Where(g => g.Id == group.GroupId).ExecuteUpdateAsync(s => s.SetProperty(g => g.PaymentStatus, GroupPaymentStatus.Authorized));
            db.IdempotencyKeys.Add(new IdempotencyRecord
            {
                Id = Guid.NewGuid(), OwnerScope = "guest:raced", Key = key, RequestHash = [4, 5, 6], OrderGroupId = group.GroupId,
                CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddDays(1),
            });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var answered = await Eventually.ReadAsync(
            async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Key == key);
            },
            k => k.ResponseStatus is not null,
            TimeSpan.FromSeconds(60));
        Assert.Equal(201, answered.ResponseStatus);
        Assert.Contains(group.GroupId.ToString(), answered.ResponseBody, StringComparison.Ordinal);
        Assert.Contains("\"placed\"", answered.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idempotency_keys_past_their_lifetime_are_forgotten_and_live_ones_kept()
    {
        var expired = await KeyAsync(DateTimeOffset.UtcNow.AddMinutes(-1));
        var live = await KeyAsync(DateTimeOffset.UtcNow.AddHours(24));

        await Eventually.ReadAsync(() => KeyExistsAsync(expired), exists => !exists);
        Assert.True(await KeyExistsAsync(live));
    }

    private async Task<Guid> KeyAsync(DateTimeOffset expiresAt)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var row = new IdempotencyRecord
        {
            Id = Guid.NewGuid(), OwnerScope = "guest:tests", Key = Guid.NewGuid().ToString(), RequestHash = new byte[32], OrderGroupId = Guid.NewGuid(),
            ResponseStatus = 201, ResponseBody = "{}", CreatedAt = expiresAt.AddHours(-24), ExpiresAt = expiresAt,
        };
        db.IdempotencyKeys.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }

    private async Task<bool> KeyExistsAsync(Guid id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().IdempotencyKeys.AnyAsync(k => k.Id == id);
    }
}

/// <summary>
/// A long stock hold (an hour) and a checkout taken for stopped one second after it began: what the sweeper does with a
/// checkout whose replica was killed under it, without waiting for its hold to lapse. Payments resumes a stalled
/// authorisation only after an hour, so a test decides when it does, and its sweep too looks every 200 ms.
/// </summary>
public sealed class OrphanedCheckoutHost : OrderingHost
{
    public static readonly TimeSpan OrphanedAfter = TimeSpan.FromSeconds(1);

    public OrphanedCheckoutHost()
    {
        Settings["Ordering:ReservationLifetime"] = "01:00:00";
        Settings["Ordering:OrphanedCheckoutAfter"] = OrphanedAfter.ToString();
        Settings["Ordering:SweepInterval"] = "00:00:00.200";
        Settings["Payments:ProviderTimeout"] = "01:00:00";
        Settings["Payments:SweepInterval"] = "00:00:00.200";
    }
}

public sealed class OrphanedCheckoutTests(OrphanedCheckoutHost host) : IClassFixture<OrphanedCheckoutHost>
{
    [Fact]
    public Task A_stopped_checkout_whose_payment_was_authorised_is_placed_and_answered_while_its_hold_still_stands() =>
        StoppedCheckouts.AssertPlacedAndAnsweredAsync(host, "pm_card_visa");

    [Fact]
    public async Task A_stopped_checkout_that_never_asked_for_its_payment_is_abandoned_its_units_given_back_and_its_key_answered()
    {
        var (offer, group, key) = await StoppedCheckouts.ArrangeAsync(host, paymentMethod: null);

        var answered = await StoppedCheckouts.AnsweredKeyAsync(host, key);
        Assert.Equal(409, answered.ResponseStatus);
        Assert.Contains("checkout_abandoned", answered.ResponseBody, StringComparison.Ordinal);
        Assert.Equal(5, await Eventually.ReadAsync(() => CheckoutFlows.StockAsync(offer), stock => stock == 5));
        Assert.Equal(["OrderCancelled"], await host.EventsAsync(group.OrderIds[0]));
    }

    [Fact]
    public async Task A_stopped_checkout_waiting_for_3ds_has_its_key_answered_with_the_action_and_its_order_kept_pending()
    {
        var (offer, group, key) = await StoppedCheckouts.ArrangeAsync(host, "pm_card_authenticationRequired");

        var answered = await StoppedCheckouts.AnsweredKeyAsync(host, key);
        Assert.Equal(201, answered.ResponseStatus);
        Assert.Contains("requires_action", answered.ResponseBody, StringComparison.Ordinal);
        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        var order = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{group.OrderIds[0]}");
        Assert.Equal("pending_payment", order.GetProperty("status").GetString());
        Assert.Equal(3, await CheckoutFlows.StockAsync(offer));
        Assert.Empty(await host.EventsAsync(group.OrderIds[0]));
    }

    [Fact]
    public async Task A_stopped_checkout_whose_authorisation_never_heard_back_waits_for_payments_to_resume_it_then_is_placed()
    {
        var (offer, group, key) = await StoppedCheckouts.ArrangeAsync(host, paymentMethod: null);
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var arrangedAt = clock.GetUtcNow();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // What the killed replica left inside Payments: the payment recorded, the provider asked, its answer never
            // saved (Payment.Start's row). Payments' own table, written here because only a crash can leave it so.
            var now = clock.GetUtcNow();
            await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Database.ExecuteSqlAsync($"""
                INSERT INTO payments.payments (id, reference, amount, currency, method, customer_email, status, provider, version, created_at, updated_at)
                VALUES ({Guid.CreateVersion7()}, {group.GroupId}, {24.9m}, {"EUR"}, {"pm_card_visa"}, {"buyer@tests.local"}, {"Authorizing"}, {"sandbox"}, {0}, {now}, {now})
                """);
        }

        // Orphaned by now, and swept: the checkout is left alone while its authorisation is unfinished, since settling it
        // as abandoned would cancel orders whose money the provider may be holding.
        await Eventually.ReadAsync(() => Task.FromResult(clock.GetUtcNow()), now => now > arrangedAt + (2 * OrphanedCheckoutHost.OrphanedAfter));
        var sweeper = host.Services.GetServices<IHostedService>().OfType<AbandonedCheckoutSweeper>().Single();
        await sweeper.SweepOnceAsync(default);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
            Assert.Null((await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Key == key)).ResponseStatus);
            Assert.Equal(GroupPaymentStatus.Pending, (await db.OrderGroups.AsNoTracking().SingleAsync(g => g.Id == group.GroupId)).PaymentStatus);
        }

        Assert.Equal(3, await CheckoutFlows.StockAsync(offer));
        Assert.Empty(await host.EventsAsync(group.OrderIds[0]));

        // Its provider timeout passes: Payments asks the provider again under the same key and records the authorisation,
        // and the checkout is then finished as one whose payment was authorised.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().Database.ExecuteSqlAsync(
                $"UPDATE payments.payments SET updated_at = updated_at - interval '2 hours' WHERE reference = {group.GroupId}");
        }

        await StoppedCheckouts.AssertPlacedAndAnsweredAsync(host, offer, group, key);
    }
}

/// <summary>What a checkout leaves when its process dies after writing its order group and key, and how it is finished.</summary>
internal static class StoppedCheckouts
{
    /// <summary>
    /// An order group holding 2 of an offer's 5 units, its key written and unanswered, and, when
    /// <paramref name="paymentMethod"/> is given, its payment asked for with it. The payment's event says it was
    /// answered to that checkout, so no consumer settles the group: the sweeper must.
    /// </summary>
    /// <param name="runnerId">The process the key says ran the checkout (<c>ordering.checkout_runners</c>); none when null.</param>
    /// <param name="asRequested">The key's owner and request hash, as a real checkout request would have written them.</param>
    public static async Task<(SellerOffer Offer, ArrangedGroup Group, string Key)> ArrangeAsync(
        OrderingHost host, string? paymentMethod, Guid? runnerId = null, (string OwnerScope, byte[] RequestHash, string Key)? asRequested = null)
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, stock: 5))[0];
        var group = await host.ArrangeGroupAsync(null, [offer.SellerId], paid: false, offerId: offer.OfferId);
        var key = asRequested?.Key ?? $"died-{Guid.NewGuid():N}";
        await using var scope = host.Services.CreateAsyncScope();
        var reservations = scope.ServiceProvider.GetRequiredService<IStockReservations>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        Assert.True((await reservations.ReserveAsync([new StockHold(group.OrderIds[0], [new ReservedLine(offer.OfferId, 2)])], clock.GetUtcNow().AddMinutes(10), default)).Reserved);
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        db.IdempotencyKeys.Add(new IdempotencyRecord
        {
            Id = Guid.NewGuid(), OwnerScope = asRequested?.OwnerScope ?? "guest:died", Key = key, RequestHash = asRequested?.RequestHash ?? [1, 2, 3],
            OrderGroupId = group.GroupId, RunnerId = runnerId, CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddDays(1),
        });
        await db.SaveChangesAsync();
        if (paymentMethod is not null)
        {
            var payment = await scope.ServiceProvider.GetRequiredService<IPayments>().AuthorizeAsync(
                new AuthorizePayment(group.GroupId, Money.Of(24.9m, "EUR"), paymentMethod, "buyer@tests.local"), default);
            Assert.NotNull(payment.Payment);
        }

        return (offer, group, key);
    }

    public static async Task<IdempotencyRecord> AnsweredKeyAsync(OrderingHost host, string key) =>
        await Eventually.ReadAsync(() => KeyAsync(host, key), k => k.ResponseStatus is not null, TimeSpan.FromSeconds(60));

    /// <summary>The key's row as it stands now.</summary>
    public static async Task<IdempotencyRecord> KeyAsync(OrderingHost host, string key)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderingDbContext>().IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Key == key);
    }

    /// <summary>A checkout stopped after its payment was authorised at once: placed by the sweeper, 3 units left, its key answered 201.</summary>
    public static async Task AssertPlacedAndAnsweredAsync(OrderingHost host, string paymentMethod)
    {
        var (offer, group, key) = await ArrangeAsync(host, paymentMethod);
        await AssertPlacedAndAnsweredAsync(host, offer, group, key);
    }

    /// <summary>The stopped checkout <see cref="ArrangeAsync"/> made, once authorised: placed, 3 units left, its key answered 201.</summary>
    public static async Task AssertPlacedAndAnsweredAsync(OrderingHost host, SellerOffer offer, ArrangedGroup group, string key)
    {
        var orderId = group.OrderIds[0];

        var reader = host.CreateClient();
        reader.DefaultRequestHeaders.Add("X-Order-Token", group.GuestToken);
        var placed = await Eventually.ReadAsync(
            async () => await reader.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{orderId}"),
            o => o.GetProperty("status").GetString() != "pending_payment",
            TimeSpan.FromSeconds(60));
        Assert.Equal("placed", placed.GetProperty("status").GetString());
        Assert.Equal(3, await CheckoutFlows.StockAsync(offer));
        Assert.Equal(["OrderPlaced"], await host.EventsAsync(orderId));
        var answered = await AnsweredKeyAsync(host, key);
        Assert.Equal(201, answered.ResponseStatus);
        Assert.Contains("\"placed\"", answered.ResponseBody, StringComparison.Ordinal);
    }
}
