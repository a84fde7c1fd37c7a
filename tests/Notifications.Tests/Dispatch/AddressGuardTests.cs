using System.Net;
using System.Text.Json;
using Marketplace.Notifications.Dispatch;
using Marketplace.TestSupport;

namespace Marketplace.Notifications.Tests.Dispatch;

/// <summary>
/// The address guard at send time, on the production rule (loopback refused): a target that registration let through,
/// or that moved after it, is refused when the connection is made, and the receiver listening there gets nothing.
/// </summary>
[Collection(GuardedSuite.Name)]
public sealed class AddressGuardTests(GuardedHost host)
{
    public static TheoryData<string> RefusedTargets() =>
    [
        "http://127.0.0.1:{port}/hooks",
        "https://127.0.0.1:{port}/hooks",
        "https://[::1]:{port6}/hooks",
        "https://[::ffff:127.0.0.1]:{port}/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost:{port}/hooks",
        "https://rebound.partner.test:{port}/hooks",
        "https://private.partner.test:{port}/hooks",
        "https://mixed.partner.test/hooks",
    ];

    [Theory]
    [MemberData(nameof(RefusedTargets))]
    public async Task A_target_that_resolves_to_a_refused_address_is_refused_at_send_time_and_gets_nothing(string target)
    {
        var url = target.Replace("{port}", host.Receiver.Port.ToString(), StringComparison.Ordinal)
            .Replace("{port6}", (host.Receiver.Ipv6Port ?? host.Receiver.Port).ToString(), StringComparison.Ordinal);
        var (sellerId, owner) = await host.SellerAsync();
        var (webhookId, _) = await NotificationsHost.EndpointAsync(owner, sellerId, "https://hooks.partner.test/orders");
        await host.MoveEndpointAsync(webhookId, url);
        var receivedBefore = host.Receiver.Received.Count;

        await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/test", null), HttpStatusCode.Accepted);
        var log = await Eventually.ReadAsync(
            () => NotificationsHost.DeliveriesAsync(owner, sellerId, webhookId),
            deliveries => deliveries.Count == 1 && deliveries[0].GetProperty("attemptLog").GetArrayLength() >= 2);

        var attempts = Assert.Single(log).GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.True(attempts.Count >= 2, $"Expected retried refusals, got {JsonSerializer.Serialize(log)}");
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
            Assert.StartsWith("refused", attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(receivedBefore, host.Receiver.Received.Count);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void The_address_policy_refuses_every_non_public_address(string address) =>
        Assert.NotNull(AddressPolicy.Refusal(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void The_address_policy_lets_public_addresses_through(string address) =>
        Assert.Null(AddressPolicy.Refusal(IPAddress.Parse(address), allowLoopback: false));

    [Fact]
    public void Allowing_loopback_lets_only_loopback_through() =>
        Assert.Equal(
            [null, null, "10.0.0.1 is a private address", "169.254.169.254 is a link-local address"],
            new[] { "127.0.0.1", "::1", "10.0.0.1", "169.254.169.254" }.Select(a => AddressPolicy.Refusal(IPAddress.Parse(a), allowLoopback: true)));
}
