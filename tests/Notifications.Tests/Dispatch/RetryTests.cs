using System.Net;
using Marketplace.TestSupport;

namespace Marketplace.Notifications.Tests.Dispatch;

/// <summary>How long a failing delivery is retried: until <c>MaxDeliveryAge</c> (3 days here, the default), then given up.</summary>
[Collection(GuardedSuite.Name)]
public sealed class RetryTests(GuardedHost host)
{
    [Fact]
    public async Task A_delivery_failing_for_longer_than_the_max_age_is_given_up_and_tried_no_more()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, "https://private.partner.test/orders");
        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);

        await host.AgeDeliveriesAsync(webhookId, TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var log = await Eventually.ReadAsync(() => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), l => l.Count == 1 && l[0].GetProperty("status").GetString() == "failed");
        var attempts = log[0].GetProperty("attemptLog").GetArrayLength();
        var later = await Eventually.ReadAsync(
            () => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), l => l[0].GetProperty("attemptLog").GetArrayLength() > attempts, TimeSpan.FromSeconds(2));

        var delivery = Assert.Single(log);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.StartsWith("given up", delivery.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(attempts, later[0].GetProperty("attemptLog").GetArrayLength());
    }

    [Fact]
    public async Task A_failing_delivery_younger_than_the_max_age_keeps_being_retried()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, "https://private.partner.test/orders");
        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);

        await host.AgeDeliveriesAsync(webhookId, TimeSpan.FromDays(3) - TimeSpan.FromHours(1));
        var log = await Eventually.ReadAsync(() => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId), l => l.Count == 1 && l[0].GetProperty("attemptLog").GetArrayLength() >= 3);

        Assert.Equal("pending", Assert.Single(log).GetProperty("status").GetString());
        Assert.True(log[0].GetProperty("attemptLog").GetArrayLength() >= 3);
    }
}
