using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity.ApiKeys;

/// <summary>
/// The text form of a key, <c>mk_&lt;keyId&gt;_&lt;secret&gt;</c>: the id finds the stored row without a
/// search over hashes, and only the secret's hash is compared.
/// </summary>
internal static class ApiKeySecret
{
    private const string Marker = "mk_";
    private const int KeyIdLength = 32;

    public static (string Key, string DisplayPrefix, byte[] SecretHash) New(Guid keyId)
    {
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var key = $"{Marker}{keyId:N}_{secret}";
        return (key, key[..(Marker.Length + KeyIdLength + 5)], Hash(secret));
    }

    public static bool TryParse(string? presented, out Guid keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = Guid.Empty;
        secret = null;
        if (presented is null
            || presented.Length <= Marker.Length + KeyIdLength + 1
            || !presented.StartsWith(Marker, StringComparison.Ordinal)
            || presented[Marker.Length + KeyIdLength] != '_'
            || !Guid.TryParseExact(presented.AsSpan(Marker.Length, KeyIdLength), "N", out keyId))
        {
            return false;
        }

        secret = presented[(Marker.Length + KeyIdLength + 1)..];
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
