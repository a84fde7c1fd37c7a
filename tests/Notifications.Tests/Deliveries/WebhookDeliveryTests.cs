using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Notifications.Tests.Deliveries;

/// <summary>
/// Order events reaching a partner's receiver on loopback (allowed for this host only): signed as Standard Webhooks
/// says, in order per order, retried while the receiver is down, and stopped by a 410 or by failing for too long.
/// </summary>
[Collection(LoopbackSuite.Name)]
public sealed class WebhookDeliveryTests(LoopbackHost host)
{
    private static readonly object Berlin = new { name = "Ada Lovelace", country = "DE", postalCode = "10115", city = "Berlin", lines = new[] { "Invalidenstr. 1" } };

    private WebhookReceiver Receiver => host.Receiver;

    [Fact]
    public async Task A_real_checkout_and_acceptance_reach_the_receiver_signed_by_the_standard_webhooks_algorithm()
    {
        var offer = (await CatalogFlows.OffersAsync(host, 1, price: 25m)).Single();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, secret) = await NotificationsHost.EndpointAsync(offer.Seller, offer.SellerId, Receiver.Url(path), "order.placed", "order.accepted");

        var orderId = await CheckoutAsync(offer);
        await NotificationsHost.ExpectAsync(await offer.Seller.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sellers/{offer.SellerId}/orders/{orderId}/accept")
        {
            Headers = { { "If-Match", "*" } },
        }), HttpStatusCode.OK);
        var received = await Eventually.ReadAsync(() => Task.FromResult(Receiver.At(path)), r => r.Count >= 2);

        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Null(StandardWebhooksVerifier.Verify(secret, r)));
        Assert.All(received, r => Assert.NotNull(StandardWebhooksVerifier.Verify(secret, r with { Body = r.Body.Replace("\"version\"", "\"versi0n\"", StringComparison.Ordinal) })));
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(["order.placed", "order.accepted"], bodies.Select(b => b.GetProperty("type").GetString()));
        Assert.All(bodies, b => Assert.Equal(orderId, b.GetProperty("data").GetProperty("orderId").GetGuid()));
        Assert.Equal(2, received.Select(r => r.Id).Distinct().Count());
        var log = await Eventually.ReadAsync(
            () => NotificationsHost.DeliveriesAsync(offer.Seller, offer.SellerId, webhookId),
            l => l.Count == 2 && l.All(d => d.GetProperty("status").GetString() == "delivered"));
        Assert.All(log, d => Assert.Equal(200, Assert.Single(d.GetProperty("attemptLog").EnumerateArray()).GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task During_the_rotation_grace_period_both_the_old_and_the_new_secret_sign_each_delivery()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, oldSecret) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var rotated = await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/rotate-secret", null), HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("secret").GetString()!;

        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var received = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(Receiver.At(path)), r => r.Count >= 1));

        var signatures = received.Signature!.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.All(signatures, s => Assert.StartsWith("v1,", s, StringComparison.Ordinal));
        Assert.Null(StandardWebhooksVerifier.Verify(newSecret, received));
        Assert.Null(StandardWebhooksVerifier.Verify(oldSecret, received));
        Assert.NotNull(StandardWebhooksVerifier.Verify(newSecret, received with { Signature = signatures[1] }));
        Assert.Null(StandardWebhooksVerifier.Verify(oldSecret, received with { Signature = signatures[1] }));
        Assert.Equal("webhook.test", JsonDocument.Parse(received.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_event_handed_over_before_its_orders_previous_one_waits_for_it_and_then_both_go_in_order()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var late = Lifecycle(Guid.NewGuid(), sellerId);
        var other = Lifecycle(Guid.NewGuid(), sellerId);

        // The broker hands over the acceptance first (a redelivery after a crash, or two batches committing crosswise).
        await host.PublishAsync((OrderAccepted)late[1]);
        var acceptedId = (await Eventually.ReadAsync(() => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), d => d.Count == 1)).Single().GetProperty("id").GetGuid();

        // Another order's event, recorded after it, goes out: a dispatch round ran since, and left the acceptance waiting.
        await host.PublishAsync((OrderPlaced)other[0]);
        await Eventually.ReadAsync(() => Task.FromResult(Receiver.At(path)), r => r.Count >= 1);
        var log = await NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId);
        var held = log.Single(d => d.GetProperty("id").GetGuid() == acceptedId);
        Assert.Equal("pending", held.GetProperty("status").GetString());
        Assert.Equal(0, held.GetProperty("attempts").GetInt32());
        Assert.Equal("order.placed", JsonDocument.Parse(Receiver.At(path).Single().Body).RootElement.GetProperty("type").GetString());

        // The placement arrives: it goes, and the acceptance right after it.
        await host.PublishAsync((OrderPlaced)late[0]);
        var aboutLate = await Eventually.ReadAsync(
            () => Task.FromResult(Receiver.At(path).Select(r => JsonDocument.Parse(r.Body).RootElement).Where(b => b.GetProperty("data").GetProperty("orderId").GetGuid() == ((OrderPlaced)late[0]).OrderId).ToList()),
            r => r.Count >= 2);
        Assert.Equal(["order.placed", "order.accepted"], aboutLate.Select(b => b.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task An_event_whose_previous_one_never_comes_goes_out_once_the_hold_back_has_passed()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var orphan = (OrderShipped)Lifecycle(Guid.NewGuid(), sellerId)[2];

        await host.PublishAsync(orphan);
        var deliveryId = (await Eventually.ReadAsync(() => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), d => d.Count == 1)).Single().GetProperty("id").GetGuid();
        Assert.Empty(Receiver.At(path));

        // As if it had waited out Notifications:Webhooks:OrderHoldBack (30 s) for an acceptance that is never coming.
        await host.BackdateDeliveryAsync(deliveryId, TimeSpan.FromMinutes(1));
        var received = await Eventually.ReadAsync(() => Task.FromResult(Receiver.At(path)), r => r.Count >= 1);
        Assert.Equal("order.shipped", JsonDocument.Parse(received.Single().Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_order_event_mark_past_its_retention_is_purged_and_a_recent_one_kept()
    {
        var (old, recent) = (Guid.NewGuid(), Guid.NewGuid());
        var now = DateTimeOffset.UtcNow;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            db.OrderEventMarks.AddRange(
                new OrderEventMark { OrderId = old, Version = 2, RecordedAtUnixMs = (now - TimeSpan.FromDays(31)).ToUnixTimeMilliseconds() },
                new OrderEventMark { OrderId = recent, Version = 2, RecordedAtUnixMs = (now - TimeSpan.FromDays(29)).ToUnixTimeMilliseconds() });
            await db.SaveChangesAsync();
        }

        await host.Services.GetServices<IHostedService>().OfType<WebhookDispatcher>().Single().PurgeAsync(CancellationToken.None);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            var left = await db.OrderEventMarks.Where(m => m.OrderId == old || m.OrderId == recent).Select(m => m.OrderId).ToListAsync();
            Assert.Equal([recent], left);
        }
    }

    [Fact]
    public async Task A_receiver_that_is_down_gets_every_event_once_it_is_back_in_order_per_order()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, secret) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var down = true;
        var previous = Receiver.Answer;
        Receiver.Answer = r => r.Path == path ? new ReceiverAnswer(down ? 503 : 200) : previous(r);
        var orders = new[] { Guid.NewGuid(), Guid.NewGuid() };

        foreach (var orderId in orders)
        {
            foreach (var e in Lifecycle(orderId, sellerId))
            {
                await host.PublishAsync((dynamic)e);
            }
        }

        await Eventually.ReadAsync(() => Task.FromResult(Receiver.At(path)), r => r.Count(x => x.AnsweredWith == 503) >= 4);
        down = false;
        var received = await Eventually.ReadAsync(
            () => Task.FromResult(Receiver.At(path)),
            r => r.Count(x => x.AnsweredWith == 200) >= 8,
            TimeSpan.FromSeconds(60));

        var delivered = received.Where(r => r.AnsweredWith == 200).ToList();
        Assert.Equal(8, delivered.Count);
        Assert.Equal(8, delivered.Select(r => r.Id).Distinct().Count());
        Assert.All(delivered, r => Assert.Null(StandardWebhooksVerifier.Verify(secret, r)));
        foreach (var orderId in orders)
        {
            // Every request about the order, failed ones included: none of a later event came before the earlier one was delivered.
            var aboutOrder = received.Select(r => (r.AnsweredWith, Body: JsonDocument.Parse(r.Body).RootElement))
                .Where(r => r.Body.GetProperty("data").GetProperty("orderId").GetGuid() == orderId)
                .ToList();
            var versions = aboutOrder.Select(r => r.Body.GetProperty("data").GetProperty("version").GetInt32()).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(
                ["order.placed", "order.accepted", "order.shipped", "order.delivered"],
                aboutOrder.Where(r => r.AnsweredWith == 200).Select(r => r.Body.GetProperty("type").GetString()));
        }

        var log = await NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId);
        Assert.Contains(log, d => d.GetProperty("attemptLog").EnumerateArray().Any(a => a.GetProperty("statusCode").GetInt32() == 503));
        Assert.Equal(JsonValueKind.Null, (await NotificationsHost.EndpointOf(owner, sellerId, webhookId)).GetProperty("failingSince").ValueKind);
    }

    [Fact]
    public async Task An_endpoint_answering_410_is_disabled_with_the_reason_and_gets_nothing_more()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var previous = Receiver.Answer;
        Receiver.Answer = r => r.Path == path ? new ReceiverAnswer(410) : previous(r);

        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var endpoint = await Eventually.ReadAsync(() => NotificationsHost.EndpointOf(owner, sellerId, webhookId), e => !e.GetProperty("enabled").GetBoolean());
        var orderId = Guid.NewGuid();
        await host.PublishAsync(Lifecycle(orderId, sellerId).OfType<OrderPlaced>().Single());
        var again = await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null);

        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("410", endpoint.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
        var log = await NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId);
        Assert.Equal("failed", Assert.Single(log).GetProperty("status").GetString());
        Assert.Single(Receiver.At(path));
    }

    [Fact]
    public async Task An_endpoint_failing_past_the_threshold_is_disabled_and_says_why()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var previous = Receiver.Answer;
        Receiver.Answer = r => r.Path == path ? new ReceiverAnswer(500) : previous(r);

        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var endpoint = await Eventually.ReadAsync(() => NotificationsHost.EndpointOf(owner, sellerId, webhookId), e => !e.GetProperty("enabled").GetBoolean(), TimeSpan.FromSeconds(60));

        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("Every attempt failed", endpoint.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.True(Receiver.At(path).Count >= 2);
    }

    [Fact]
    public async Task A_redirect_is_a_failed_attempt_and_is_never_followed()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var landing = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var previous = Receiver.Answer;
        Receiver.Answer = r => r.Path == path ? new ReceiverAnswer(307, Receiver.Url(landing)) : previous(r);

        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var log = await Eventually.ReadAsync(
            () => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId),
            l => l.Count == 1 && l[0].GetProperty("attemptLog").GetArrayLength() >= 2);

        var attempts = Assert.Single(log).GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.All(attempts, a => Assert.Equal(307, a.GetProperty("statusCode").GetInt32()));
        Assert.All(attempts, a => Assert.Contains("redirects are not followed", a.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Empty(Receiver.At(landing));
    }

    [Fact]
    public async Task A_redelivery_sends_a_delivered_event_again_under_the_same_webhook_id_and_logs_both_attempts()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var queued = await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var deliveryId = queued.GetProperty("id").GetGuid();
        await Eventually.ReadAsync(() => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), l => l.Count == 1 && l[0].GetProperty("status").GetString() == "delivered");

        await NotificationsHost.ExpectAsync(
            await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", null), HttpStatusCode.Accepted);
        var received = await Eventually.ReadAsync(() => Task.FromResult(Receiver.At(path)), r => r.Count >= 2);
        var log = await Eventually.ReadAsync(
            () => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId),
            l => l.Count == 1 && l[0].GetProperty("attemptLog").GetArrayLength() == 2 && l[0].GetProperty("status").GetString() == "delivered");

        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].Id, received[1].Id);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal(queued.GetProperty("webhookId").GetString(), received[0].Id);
        Assert.All(Assert.Single(log).GetProperty("attemptLog").EnumerateArray(), a =>
        {
            Assert.Equal(200, a.GetProperty("statusCode").GetInt32());
            Assert.True(a.GetProperty("latencyMs").GetInt64() >= 0);
        });
        var unknown = await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries/{Guid.NewGuid()}/redeliver", null);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_delivery_log_pages_newest_first_by_keyset()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, Receiver.Url(path));
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var queued = await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
            ids.Add(queued.GetProperty("id").GetGuid());
        }

        var first = await NotificationsHost.ExpectAsync(await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries?limit=2"), HttpStatusCode.OK);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await NotificationsHost.ExpectAsync(
            await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries?limit=2&cursor={Uri.EscapeDataString(cursor!)}"), HttpStatusCode.OK);
        var bad = await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries?limit=0");

        ids.Reverse();
        Assert.Equal(ids, first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(d => d.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        await bad.AssertValidationProblemAsync("limit");
    }

    private static object[] Lifecycle(Guid orderId, Guid sellerId)
    {
        var total = Money.Of(42.50m, "EUR");
        var created = DateTimeOffset.UtcNow.AddMinutes(-5);
        var number = $"T-{orderId:N}"[..14];
        var group = Guid.NewGuid();
        return
        [
            new OrderPlaced(orderId, group, number, sellerId, null, total, created, 2, created.AddMinutes(1)),
            new OrderAccepted(orderId, group, number, sellerId, null, total, created, 3, created.AddMinutes(2)),
            new OrderShipped(orderId, group, number, sellerId, null, total, created, "DHL", "JJD0001", 4, created.AddMinutes(3)),
            new OrderDelivered(orderId, group, number, sellerId, null, total, created, false, 5, created.AddMinutes(4)),
        ];
    }

    private async Task<Guid> CheckoutAsync(SellerOffer offer)
    {
        var cart = host.CreateClient();
        var guest = await NotificationsHost.ExpectAsync(await cart.PostAsync("/api/v1/cart/guest", null), HttpStatusCode.Created);
        cart.DefaultRequestHeaders.Add("X-Cart-Token", guest.GetProperty("token").GetString());
        await cart.PostAsJsonAsync("/api/v1/cart/lines", new { offerId = offer.OfferId, quantity = 1 });
        var quote = await NotificationsHost.ExpectAsync(await cart.PostAsJsonAsync("/api/v1/checkout/quote", new { shippingAddress = Berlin }), HttpStatusCode.OK);
        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkout")
        {
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
            Content = JsonContent.Create(new
            {
                email = "buyer@tests.local",
                shippingAddress = Berlin,
                delivery = quote.GetProperty("sellers").EnumerateArray().Select(s => new
                {
                    sellerId = s.GetProperty("sellerId").GetGuid(),
                    quoteId = quote.GetProperty("quoteId").GetGuid(),
                    optionId = s.GetProperty("cheapestOptionId").GetString(),
                }).ToArray(),
                paymentMethodId = "pm_card_visa",
                expectedTotal = quote.GetProperty("total").GetDecimal(),
            }),
        };
        var placed = await NotificationsHost.ExpectAsync(await cart.SendAsync(checkout), HttpStatusCode.Created);
        return placed.GetProperty("orders")[0].GetProperty("id").GetGuid();
    }
}
