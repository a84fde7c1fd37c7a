using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Notifications.Tests.Webhooks;

/// <summary>A seller's endpoint routes: what registration refuses, what a read shows, and whose endpoints a seller reaches.</summary>
[Collection(GuardedSuite.Name)]
public sealed class WebhookEndpointApiTests(GuardedHost host)
{
    [Fact]
    public async Task Creating_an_endpoint_shows_its_whsec_secret_once_and_no_read_shows_it_again()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var (id, secret) = await NotificationsHost.EndpointAsync(owner, sellerId, "https://hooks.partner.test/orders", "order.placed", "order.shipped");

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret["whsec_".Length..]).Length, 24, 64);
        var read = await owner.GetStringAsync($"/api/v1/sellers/{sellerId}/webhooks/{id}");
        var list = await owner.GetStringAsync($"/api/v1/sellers/{sellerId}/webhooks");
        Assert.DoesNotContain(secret["whsec_".Length..], read, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["whsec_".Length..], list, StringComparison.Ordinal);
        var endpoint = JsonDocument.Parse(read).RootElement;
        Assert.Equal("https://hooks.partner.test/orders", endpoint.GetProperty("url").GetString());
        Assert.Equal(["order.placed", "order.shipped"], endpoint.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.True(endpoint.GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("http://hooks.partner.test/orders")]
    [InlineData("https://127.0.0.1/orders")]
    [InlineData("https://127.1.2.3:8443/orders")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]/orders")]
    [InlineData("https://[::ffff:10.0.0.1]/orders")]
    [InlineData("https://[fe80::1]/orders")]
    [InlineData("https://10.1.2.3/orders")]
    [InlineData("https://192.168.0.10/orders")]
    [InlineData("https://100.64.0.1/orders")]
    [InlineData("https://0.0.0.0/orders")]
    [InlineData("https://localhost/orders")]
    [InlineData("https://admin.localhost/orders")]
    [InlineData("https://user:password@hooks.partner.test/orders")]
    [InlineData("ftp://hooks.partner.test/orders")]
    [InlineData("/relative/orders")]
    [InlineData("")]
    public async Task Registration_refuses_a_url_that_is_not_https_on_a_public_host_naming_url_and_stores_nothing(string url)
    {
        var (sellerId, owner) = await host.SellerAsync();

        var answer = await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/webhooks", new { url, eventTypes = new[] { "order.placed" } });

        await answer.AssertValidationProblemAsync("url");
        Assert.Empty((await NotificationsHost.ExpectAsync(await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("order.exploded")]
    [InlineData("order.placed Order.Shipped")]
    public async Task Registration_refuses_event_types_outside_the_fixed_list_naming_eventTypes(string listed)
    {
        var eventTypes = listed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (sellerId, owner) = await host.SellerAsync();

        var answer = await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/webhooks", new { url = "https://hooks.partner.test/x", eventTypes });

        await answer.AssertValidationProblemAsync("eventTypes");
    }

    [Fact]
    public async Task A_seller_cannot_register_more_endpoints_than_its_limit()
    {
        var (sellerId, owner) = await host.SellerAsync();
        for (var i = 0; i < 3; i++)
        {
            await NotificationsHost.EndpointAsync(owner, sellerId, $"https://hooks.partner.test/{i}");
        }

        var fourth = await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/webhooks", new { url = "https://hooks.partner.test/4", eventTypes = new[] { "order.placed" } });

        await fourth.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(3, (await NotificationsHost.ExpectAsync(await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks"), HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task An_update_changes_url_event_types_and_enabled_and_a_delete_removes_the_endpoint()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var (id, _) = await NotificationsHost.EndpointAsync(owner, sellerId, "https://hooks.partner.test/a");
        var path = $"/api/v1/sellers/{sellerId}/webhooks/{id}";

        var updated = await NotificationsHost.ExpectAsync(
            await owner.PutAsJsonAsync(path, new { url = "https://hooks.partner.test/b", eventTypes = new[] { "order.cancelled" }, enabled = false }), HttpStatusCode.OK);
        var badUpdate = await owner.PutAsJsonAsync(path, new { url = "https://169.254.169.254/", eventTypes = new[] { "order.cancelled" } });

        Assert.Equal("https://hooks.partner.test/b", updated.GetProperty("url").GetString());
        Assert.Equal(["order.cancelled"], updated.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.False(updated.GetProperty("enabled").GetBoolean());
        await badUpdate.AssertValidationProblemAsync("url");
        Assert.Equal("https://hooks.partner.test/b", (await NotificationsHost.EndpointOf(owner, sellerId, id)).GetProperty("url").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(path)).StatusCode);
        await (await owner.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rotating_the_secret_shows_a_new_one_and_when_the_old_one_stops_signing()
    {
        var (sellerId, owner) = await host.SellerAsync();
        var (id, first) = await NotificationsHost.EndpointAsync(owner, sellerId, "https://hooks.partner.test/a");

        var rotated = await NotificationsHost.ExpectAsync(await owner.PostAsync($"/api/v1/sellers/{sellerId}/webhooks/{id}/rotate-secret", null), HttpStatusCode.OK);

        var second = rotated.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", second, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        var graceEnds = rotated.GetProperty("endpoint").GetProperty("previousSecretExpiresAt").GetDateTimeOffset();
        Assert.InRange(graceEnds - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
    }

    [Fact]
    public async Task A_seller_cannot_see_or_touch_another_sellers_endpoints()
    {
        var (sellerA, ownerA) = await host.SellerAsync();
        var (sellerB, ownerB) = await host.SellerAsync();
        var (endpointA, _) = await NotificationsHost.EndpointAsync(ownerA, sellerA, "https://hooks.partner.test/a");
        var before = await ownerA.GetStringAsync($"/api/v1/sellers/{sellerA}/webhooks");

        // B names A's endpoint under its own seller: the endpoint is not B's, so it does not exist for B.
        var mine = $"/api/v1/sellers/{sellerB}/webhooks/{endpointA}";
        var underOwn = new[]
        {
            await ownerB.GetAsync(mine),
            await ownerB.PutAsJsonAsync(mine, new { url = "https://hooks.partner.test/stolen", eventTypes = new[] { "order.placed" }, enabled = true }),
            await ownerB.PostAsync($"{mine}/rotate-secret", null),
            await ownerB.PostAsync($"{mine}/test", null),
            await ownerB.GetAsync($"{mine}/deliveries"),
            await ownerB.DeleteAsync(mine),
        };

        // B names A's seller: it does not act for A.
        var theirs = $"/api/v1/sellers/{sellerA}/webhooks";
        var underTheirs = new[]
        {
            await ownerB.GetAsync(theirs),
            await ownerB.GetAsync($"{theirs}/{endpointA}"),
            await ownerB.PostAsJsonAsync(theirs, new { url = "https://hooks.partner.test/b", eventTypes = new[] { "order.placed" } }),
            await ownerB.DeleteAsync($"{theirs}/{endpointA}"),
        };

        foreach (var answer in underOwn)
        {
            await answer.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        foreach (var answer in underTheirs)
        {
            await answer.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Empty((await NotificationsHost.ExpectAsync(await ownerB.GetAsync($"/api/v1/sellers/{sellerB}/webhooks"), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(before, await ownerA.GetStringAsync($"/api/v1/sellers/{sellerA}/webhooks"));
    }
}
