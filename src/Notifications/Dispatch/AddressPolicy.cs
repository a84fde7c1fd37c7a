using System.Net;
using System.Net.Sockets;

namespace Marketplace.Notifications.Dispatch;

/// <summary>
/// Which addresses a webhook may reach: public unicast only. Everything that leads into our own network or host
/// (private ranges, loopback, link-local with the cloud metadata service, CGNAT, unique-local) or is no single host
/// (multicast, broadcast, unspecified, reserved) is refused, also when it hides inside an IPv6 form of an IPv4 address.
/// </summary>
internal static class AddressPolicy
{
    private static readonly (IPNetwork Network, string Kind)[] RefusedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private"),
        (IPNetwork.Parse("192.0.0.0/24"), "a reserved"),
        (IPNetwork.Parse("192.0.2.0/24"), "a documentation"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "a documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "a documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved"),
    ];

    private static readonly (IPNetwork Network, string Kind)[] RefusedV6 =
    [
        (IPNetwork.Parse("::1/128"), "a loopback"),
        (IPNetwork.Parse("::/128"), "an unspecified"),
        (IPNetwork.Parse("fe80::/10"), "a link-local"),
        (IPNetwork.Parse("fec0::/10"), "a site-local"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local"),
        (IPNetwork.Parse("ff00::/8"), "a multicast"),
        (IPNetwork.Parse("2001:db8::/32"), "a documentation"),
        (IPNetwork.Parse("100::/64"), "a discard-only"),
    ];

    /// <summary>IPv6 prefixes that carry an IPv4 address in their last 32 bits: that address is judged instead.</summary>
    private static readonly IPNetwork[] EmbeddingV4 = [IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("::/96")];

    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(Normalise(address));

    /// <summary>Why the address may not be reached (e.g. "127.0.0.1 is a loopback address"), or null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowLoopback)
    {
        var judged = Normalise(address);
        if (allowLoopback && IPAddress.IsLoopback(judged))
        {
            return null;
        }

        var table = judged.AddressFamily == AddressFamily.InterNetwork ? RefusedV4 : RefusedV6;
        foreach (var (network, kind) in table)
        {
            if (network.Contains(judged))
            {
                return $"{address} is {kind} address";
            }
        }

        if (judged.Equals(IPAddress.Broadcast))
        {
            return $"{address} is a broadcast address";
        }

        return null;
    }

    /// <summary>IPv4-mapped, NAT64 and IPv4-compatible forms become the IPv4 address they carry.</summary>
    private static IPAddress Normalise(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        // ::1 and :: lie inside ::/96 too; they are IPv6's own loopback and unspecified, judged as they are.
        if (EmbeddingV4.Any(n => n.Contains(address)) && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any))
        {
            return new IPAddress(address.GetAddressBytes()[12..]);
        }

        return address;
    }
}
