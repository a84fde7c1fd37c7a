using System.Net;
using System.Net.Sockets;

namespace Marketplace.Platform.Http;

/// <summary>The network a client calls from, as limits key it.</summary>
public static class ClientNetwork
{
    /// <summary>
    /// An IPv4 address as it is; an IPv6 address reduced to its /64, because one subscriber usually holds a whole
    /// /64 and could otherwise take a fresh limit bucket for every request.
    /// </summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
