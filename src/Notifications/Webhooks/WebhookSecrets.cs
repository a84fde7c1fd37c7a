using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Notifications.Webhooks;

/// <summary>Endpoint secrets and the Standard Webhooks signature they make.</summary>
internal static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    /// <summary>The spec asks for 24 to 64 random bytes.</summary>
    private const int SecretBytes = 32;

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary><c>v1,</c> + base64 of HMAC-SHA256, keyed with the secret's bytes, over <c>{id}.{timestamp}.{body}</c>.</summary>
    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret[Prefix.Length..]);
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The <c>webhook-signature</c> header: one signature per secret, space-separated.</summary>
    public static string SignatureHeader(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));
}
