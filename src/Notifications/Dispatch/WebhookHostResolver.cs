using System.Net;

namespace Marketplace.Notifications.Dispatch;

/// <summary>Resolves a webhook's host name to the addresses the guard vets; tests put a resolver of their own here.</summary>
internal interface IWebhookHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

internal sealed class DnsWebhookHostResolver : IWebhookHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
