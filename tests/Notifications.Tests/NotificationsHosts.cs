using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Notifications.Tests;

/// <summary>
/// The real host on PostgreSQL and RabbitMQ with quick webhook retries, a receiver of its own, and host names the tests
/// decide the addresses of (<see cref="Names"/>; every other name goes to DNS).
/// </summary>
public abstract class NotificationsHost : MarketplaceFactory
{
    /// <summary>Test-only names and the addresses they resolve to, as a hostile DNS server would answer.</summary>
    public static readonly IReadOnlyDictionary<string, IPAddress[]> Names = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["hooks.partner.test"] = [IPAddress.Parse("93.184.215.14")],
        ["private.partner.test"] = [IPAddress.Parse("10.0.0.7")],
        ["rebound.partner.test"] = [IPAddress.Parse("127.0.0.1")],
        ["mixed.partner.test"] = [IPAddress.Parse("93.184.215.14"), IPAddress.Parse("169.254.169.254")],
    };

    /// <param name="allowLoopback">The guard's option; null leaves it to the profile's default.</param>
    /// <param name="profile">The runtime profile.</param>
    protected NotificationsHost(bool? allowLoopback, TestProfile profile = TestProfile.Production)
        : base(profile)
    {
        this.ForOfferArrange();
        if (allowLoopback is { } allow)
        {
            Settings["Notifications:Webhooks:AllowLoopback"] = allow ? "true" : "false";
        }

        Settings["Notifications:Webhooks:DispatchInterval"] = "00:00:00.100";
        Settings["Notifications:Webhooks:RetryBaseDelay"] = "00:00:00.100";
        Settings["Notifications:Webhooks:RetryMaxDelay"] = "00:00:00.400";
        Settings["Notifications:Webhooks:SendTimeout"] = "00:00:05";
        Settings["Notifications:Webhooks:ClaimLease"] = "00:00:30";
        Settings["Notifications:Webhooks:DisableAfterFailingFor"] = "00:00:08";
        Settings["Notifications:Webhooks:MaxEndpointsPerSeller"] = "3";
    }

    public WebhookReceiver Receiver { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Receiver = await WebhookReceiver.StartAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IWebhookHostResolver, TestNames>());
    }

    /// <summary>A new seller and a client acting for it with its owner's token.</summary>
    public async Task<(Guid SellerId, HttpClient Owner)> SellerAsync()
    {
        var seller = await IdentityFlows.CreateSellerAsync(CreateClient(), $"Hooks {Guid.NewGuid():N}"[..20]);
        return (seller.SellerId, CreateClient(seller.MemberAccessToken));
    }

    /// <summary>Registers an endpoint through the API and returns its id and secret.</summary>
    public static async Task<(Guid Id, string Secret)> EndpointAsync(HttpClient owner, Guid sellerId, string url, params string[] eventTypes)
    {
        var answer = await owner.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/webhooks", new
        {
            url,
            eventTypes = eventTypes.Length > 0 ? eventTypes : ["order.placed", "order.accepted", "order.shipped", "order.delivered", "order.cancelled"],
        });
        var created = await ExpectAsync(answer, HttpStatusCode.Created);
        return (created.GetProperty("endpoint").GetProperty("id").GetGuid(), created.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage answer, HttpStatusCode status)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == status, $"{answer.RequestMessage?.Method} {answer.RequestMessage?.RequestUri} answered {(int)answer.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The endpoint's delivery log, newest first (first page).</summary>
    public static async Task<List<JsonElement>> DeliveriesAsync(HttpClient owner, Guid sellerId, Guid webhookId)
    {
        var page = await ExpectAsync(await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries?limit=100"), HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    public static async Task<JsonElement> EndpointOf(HttpClient owner, Guid sellerId, Guid webhookId) =>
        await ExpectAsync(await owner.GetAsync($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}"), HttpStatusCode.OK);

    /// <summary>Publishes an integration event on the host's bus, as Ordering's outbox relay does.</summary>
    public async Task PublishAsync<T>(T integrationEvent)
        where T : class =>
        await Services.GetRequiredService<IBus>().Publish(integrationEvent);

    /// <summary>Points an endpoint somewhere registration would refuse, as if its DNS or a bug had moved it there after the check.</summary>
    public async Task MoveEndpointAsync(Guid webhookId, string url)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        Assert.Equal(1, await db.Endpoints.Where(e => e.Id == webhookId).ExecuteUpdateAsync(set => set.SetProperty(e => e.Url, url)));
    }

    /// <summary>Moves a delivery's recording back in time, as if it had waited that long.</summary>
    public async Task BackdateDeliveryAsync(Guid deliveryId, TimeSpan by)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var delivery = await db.Deliveries.SingleAsync(d => d.Id == deliveryId);
        Assert.Equal(1, await db.Deliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(set => set.SetProperty(d => d.CreatedAt, delivery.CreatedAt - by)));
    }

    public override async ValueTask DisposeAsync()
    {
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes an endpoint's deliveries look as if they had been retried for <paramref name="age"/> already.</summary>
    public async Task AgeDeliveriesAsync(Guid webhookId, TimeSpan age)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var since = DateTimeOffset.UtcNow - age;
        await db.Deliveries.Where(d => d.EndpointId == webhookId).ExecuteUpdateAsync(set => set.SetProperty(d => d.RetryingSince, since));
    }

    private sealed class TestNames : IWebhookHostResolver
    {
        private readonly DnsWebhookHostResolver _dns = new();

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : _dns.ResolveAsync(host, cancellationToken);
    }
}

/// <summary>The production rule: loopback is refused like any private address.</summary>
public sealed class GuardedHost() : NotificationsHost(allowLoopback: false);

/// <summary>Loopback allowed (the option only these tests set), so the local receiver can be reached.</summary>
public sealed class LoopbackHost() : NotificationsHost(allowLoopback: true);

/// <summary>The embedded profile (SQLite, in-memory bus) with nothing set about loopback: its default allows it.</summary>
public sealed class EmbeddedHost : NotificationsHost
{
    public EmbeddedHost()
        : base(allowLoopback: null, TestProfile.Embedded)
    {
        // A log kept for a second, so the purge can be watched.
        Settings["Notifications:Webhooks:DeliveryLogRetention"] = "00:00:01";
        Settings["Notifications:Webhooks:PurgeInterval"] = "00:00:00.200";
    }
}

[CollectionDefinition(Name)]
public sealed class GuardedSuite : ICollectionFixture<GuardedHost>
{
    public const string Name = "Guarded webhooks";
}

[CollectionDefinition(Name)]
public sealed class LoopbackSuite : ICollectionFixture<LoopbackHost>
{
    public const string Name = "Loopback webhooks";
}
