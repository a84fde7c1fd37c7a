using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Marketplace.Notifications.Dispatch;

/// <summary>A webhook target the guard will not connect to, with the reason the delivery log shows.</summary>
internal sealed class WebhookTargetRefusedException(string reason) : Exception(reason)
{
}

/// <summary>
/// The connection step of the webhook client (<see cref="SocketsHttpHandler.ConnectCallback"/>): it resolves the host
/// itself, vets every address, and connects to a vetted one, so the address checked is the address reached and a DNS
/// answer that changes between a check and the connection (rebinding) cannot slip a private address through.
/// </summary>
internal sealed class AddressGuard(IWebhookHostResolver resolver, bool allowLoopback)
{
    public bool AllowLoopback => allowLoopback;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = context.DnsEndPoint;
        var address = await VetAsync(target.Host, context.InitialRequestMessage.RequestUri?.Scheme, cancellationToken);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, target.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The address to connect to; throws <see cref="WebhookTargetRefusedException"/> when the host may not be reached.</summary>
    public async Task<IPAddress> VetAsync(string host, string? scheme, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new WebhookTargetRefusedException($"{host} does not resolve: {e.SocketErrorCode}");
            }
        }

        if (addresses.Length == 0)
        {
            throw new WebhookTargetRefusedException($"{host} resolves to no address");
        }

        // One refused address refuses the name: a name that mixes public and private answers is an attack or a mistake.
        foreach (var address in addresses)
        {
            if (AddressPolicy.Refusal(address, allowLoopback) is { } reason)
            {
                throw new WebhookTargetRefusedException($"refused: {host} resolves to {address}; {reason}");
            }
        }

        if (!string.Equals(scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase)
            && !(allowLoopback && addresses.All(AddressPolicy.IsLoopback)))
        {
            throw new WebhookTargetRefusedException($"refused: {scheme} is not https, and plain http is allowed only to loopback where the guard allows loopback");
        }

        return addresses[0];
    }
}
