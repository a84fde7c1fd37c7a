using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Marketplace.Cart.Owners;

/// <summary>What a well-formed guest token says: where its cart would be stored, and when it was issued.</summary>
internal readonly record struct GuestTokenFacts(string StorageId, DateTimeOffset IssuedAt);

/// <summary>
/// A guest cart's token: 192 random bits and the instant it was issued, base64url. Issuing one stores nothing: the
/// cart comes into being with its first line (or promo code), so a client that asks for tokens and never shops
/// costs nothing. The store keys the cart by a SHA-256 hash of the token, so reading the store (a Redis dump, a
/// backup) does not hand out tokens that open carts. The issue time is not signed: a client that forges it only
/// changes how its own empty cart is answered (empty while young, gone once older than a guest cart may idle).
/// </summary>
internal static class GuestToken
{
    public const string Header = "X-Cart-Token";

    private const int RandomBytes = 24;
    private const int Bytes = RandomBytes + sizeof(long);

    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        RandomNumberGenerator.Fill(bytes[..RandomBytes]);
        BinaryPrimitives.WriteInt64BigEndian(bytes[RandomBytes..], now.ToUnixTimeMilliseconds());
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The storage id of a token, or null when the text cannot be a token (which then opens no cart).</summary>
    public static string? StorageId(string? token) => Read(token)?.StorageId;

    /// <summary>What the token says, or null when the text cannot be a token.</summary>
    public static GuestTokenFacts? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || !Base64Url.IsValid(token, out var length) || length != Bytes)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Bytes];
        Base64Url.DecodeFromChars(token, bytes);
        var issued = BinaryPrimitives.ReadInt64BigEndian(bytes[RandomBytes..]);
        if (issued < 0 || issued > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return null;
        }

        return new GuestTokenFacts(Base64Url.EncodeToString(SHA256.HashData(bytes)), DateTimeOffset.FromUnixTimeMilliseconds(issued));
    }
}
