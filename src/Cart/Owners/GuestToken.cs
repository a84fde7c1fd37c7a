using System.Buffers.Text;
using System.Security.Cryptography;

namespace Marketplace.Cart.Owners;

/// <summary>
/// A guest cart's token: 192 random bits, base64url. The store keys the cart by a SHA-256 hash of it, so reading
/// the store (a Redis dump, a backup) does not hand out tokens that open carts.
/// </summary>
internal static class GuestToken
{
    public const string Header = "X-Cart-Token";

    private const int Bytes = 24;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>The storage id of a token, or null when the text cannot be a token (which then opens no cart).</summary>
    public static string? StorageId(string? token)
    {
        if (string.IsNullOrEmpty(token) || !Base64Url.IsValid(token, out var length) || length != Bytes)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Bytes];
        Base64Url.DecodeFromChars(token, bytes);
        return Base64Url.EncodeToString(SHA256.HashData(bytes));
    }
}
