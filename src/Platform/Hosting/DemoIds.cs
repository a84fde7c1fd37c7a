using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Platform.Hosting;

/// <summary>
/// Fixed ids of the embedded demo data, so that modules seeding separately (Identity's sellers, the Catalog's
/// offers of those sellers) agree on them without talking to each other.
/// </summary>
public static class DemoIds
{
    /// <summary>The id of demo seller <paramref name="n"/> (1, 2, 3…), the same on every machine and every start.</summary>
    public static Guid Seller(int n) => Derive($"seller:{n}");

    // An RFC 9562 version 8 (custom) UUID from a SHA-256 of the name: stable, and never equal to a random (v4) or time-ordered (v7) id.
    private static Guid Derive(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"marketplace-demo:{name}"))[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
