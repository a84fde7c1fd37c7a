using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Notifications.Tests;

/// <summary>
/// The receiver's side of Standard Webhooks, written from the specification's text and nothing of the sender's code:
/// all three headers present; the timestamp within a tolerance of now; the key is the base64 after <c>whsec_</c>; the
/// signed content is <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>; the header is a space-delimited list of
/// <c>{version},{base64 signature}</c>, and the request is authentic when one <c>v1</c> entry matches in constant time.
/// </summary>
public static class StandardWebhooksVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Null when the request verifies with <paramref name="secret"/>; otherwise why not.</summary>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatureHeader, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return "a webhook header is missing";
        }

        if (!long.TryParse(timestamp, out var seconds))
        {
            return "the timestamp is not Unix seconds";
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
        {
            return "the timestamp is outside the tolerance";
        }

        const string prefix = "whsec_";
        var key = Convert.FromBase64String(secret.StartsWith(prefix, StringComparison.Ordinal) ? secret[prefix.Length..] : secret);
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1")
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(entry[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return null;
            }
        }

        return "no v1 signature matches";
    }

    public static string? Verify(string secret, ReceivedWebhook received) =>
        Verify(secret, received.Id, received.Timestamp, received.Signature, received.Body, DateTimeOffset.UtcNow);
}
