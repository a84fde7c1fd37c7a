using System.Net;
using System.Text.Json;
using Marketplace.Ordering.Contracts;
using Marketplace.Platform;
using Marketplace.TestSupport;

namespace Marketplace.Notifications.Tests.Dispatch;

/// <summary>A dispatcher whose periodic look comes only once an hour: whatever arrives sooner was woken by its recording.</summary>
public sealed class HourlyTickHost : NotificationsHost
{
    public HourlyTickHost()
        : base(allowLoopback: true) =>
        Settings["Notifications:Webhooks:DispatchInterval"] = "01:00:00";
}

/// <summary>
/// A delivery recorded on this replica leaves at once, not at the dispatcher's next tick: with the default one-second
/// interval a partner waited half a second on average for every event before this (the webhook bench measured it).
/// </summary>
public sealed class WakeUpTests(HourlyTickHost host) : IClassFixture<HourlyTickHost>
{
    [Fact]
    public async Task An_order_event_is_sent_as_soon_as_it_is_recorded_without_waiting_for_the_dispatchers_tick()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        await NotificationsHost.EndpointAsync(owner, sellerId, host.Receiver.Url(path), "order.placed");
        var orderId = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;

        await host.PublishAsync(new OrderPlaced(orderId, Guid.NewGuid(), "T-WAKE-1", sellerId, null, Money.Of(10m, "EUR"), at, 2, at));

        var received = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Receiver.At(path)), r => r.Count >= 1));
        Assert.Equal(orderId, JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetProperty("orderId").GetGuid());
    }

    [Fact]
    public async Task A_test_event_asked_for_is_sent_at_once()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var path = $"/{Guid.NewGuid():N}";
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, host.Receiver.Url(path));

        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);

        var received = Assert.Single(await Eventually.ReadAsync(() => Task.FromResult(host.Receiver.At(path)), r => r.Count >= 1));
        Assert.Equal("webhook.test", JsonDocument.Parse(received.Body).RootElement.GetProperty("type").GetString());
    }
}
