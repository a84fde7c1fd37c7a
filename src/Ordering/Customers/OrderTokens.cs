using System.Security.Cryptography;
using System.Text;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Customers;

/// <summary>
/// Guests' order access tokens: derived from the order group's id with a server key, so the checkout answer can show one
/// again on an idempotent replay without the token ever being stored; the group keeps only its SHA-256.
/// </summary>
internal sealed class OrderTokens
{
    /// <summary>The header a guest reads its order with.</summary>
    public const string Header = "X-Order-Token";

    private const string Prefix = "ot_";

    private readonly byte[] _key;

    public OrderTokens(IOptions<OrderingOptions> options, IConfiguration configuration)
    {
        var cursorKey = configuration[CursorSigning.KeySetting];
        _key = !string.IsNullOrWhiteSpace(options.Value.OrderTokenKey) ? Convert.FromBase64String(options.Value.OrderTokenKey)

            // Without a key of its own, one derived from the cursor key, which every production replica must share, so
            // that any replica derives the same token when it replays a checkout's answer.
            : !string.IsNullOrWhiteSpace(cursorKey) && OrderTokens.IsKey(cursorKey)
                ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(cursorKey), 32, info: Encoding.UTF8.GetBytes("marketplace:ordering:order-token"))
                : RandomNumberGenerator.GetBytes(32);
    }

    public string TokenFor(Guid orderGroupId) => Prefix + WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, orderGroupId.ToByteArray()));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static bool IsKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return true;
        }

        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written >= 32;
    }
}
