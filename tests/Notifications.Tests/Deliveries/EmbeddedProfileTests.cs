using System.Net;
using System.Text.Json;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;
using Marketplace.TestSupport;

namespace Marketplace.Notifications.Tests.Deliveries;

/// <summary>
/// The embedded profile: SQLite's claim (no row locks) and the in-memory bus, and loopback allowed without any setting,
/// so a developer's receiver on the same machine gets the events.
/// </summary>
public sealed class EmbeddedProfileTests(EmbeddedHost host) : IClassFixture<EmbeddedHost>
{
    [Fact]
    public async Task On_the_embedded_profile_a_loopback_receiver_that_was_down_gets_an_orders_events_in_order()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (_, secret) = await NotificationsHost.EndpointAsync(owner, sellerId, host.Receiver.Url(path));
        var refusals = 0;
        host.Receiver.Answer = _ => new ReceiverAnswer(Interlocked.Increment(ref refusals) <= 3 ? 503 : 200);
        var orderId = Guid.NewGuid();
        var total = Money.Of(10m, "EUR");
        var at = DateTimeOffset.UtcNow;

        await host.PublishAsync(new OrderPlaced(orderId, Guid.NewGuid(), "E-1", sellerId, null, total, at, 2, at));
        await host.PublishAsync(new OrderAccepted(orderId, Guid.NewGuid(), "E-1", sellerId, null, total, at, 3, at));
        await host.PublishAsync(new OrderCancelled(orderId, Guid.NewGuid(), "E-1", sellerId, null, total, at, "Cancel", "changed my mind", true, 4, at));
        var received = await Eventually.ReadAsync(() => Task.FromResult(host.Receiver.At(path)), r => r.Count(x => x.AnsweredWith == 200) >= 3);

        var delivered = received.Where(r => r.AnsweredWith == 200).ToList();
        Assert.Equal(["order.placed", "order.accepted", "order.cancelled"], delivered.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()));
        Assert.All(delivered, r => Assert.Null(StandardWebhooksVerifier.Verify(secret, r)));
        var versions = received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("version").GetInt32()).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task A_finished_delivery_leaves_the_log_once_its_retention_is_over()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, host.Receiver.Url(path));
        host.Receiver.Answer = _ => new ReceiverAnswer(200);

        var queued = await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null);
        var received = await Eventually.ReadAsync(() => Task.FromResult(host.Receiver.At(path)), r => r.Count >= 1);
        var log = await Eventually.ReadAsync(() => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), l => l.Count == 0);

        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        Assert.Equal(200, Assert.Single(received).AnsweredWith);
        Assert.Empty(log);
    }

    [Fact]
    public async Task On_the_embedded_profile_plain_http_to_a_public_name_is_still_refused()
    {
        var (sellerId, owner) = await host.SellerAsync();

        var answer = await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks", System.Net.Http.Json.JsonContent.Create(new { url = "http://hooks.partner.test/x", eventTypes = new[] { "order.placed" } }));

        await answer.AssertValidationProblemAsync("url");
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }
}
