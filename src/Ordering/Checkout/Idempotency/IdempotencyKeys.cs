using System.Security.Cryptography;
using System.Text.Json;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Checkout.Idempotency;

/// <summary>What a key's row says about a repeat: replay its answer, it is another request, or the first is still running.</summary>
internal enum KeyVerdict
{
    Replay,
    OtherRequest,
    StillRunning,
}

/// <summary>
/// The Idempotency-Key contract of checkout (IETF draft <c>draft-ietf-httpapi-idempotency-key-header</c>): the header,
/// the request's fingerprint, and what an existing key means for a repeat. The row itself is inserted with the order
/// group, so the unique index on (owner scope, key), not a lookup, decides between concurrent duplicates.
/// </summary>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on an answer replayed for a repeated key.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The header as an endpoint that requires it documents it; <paramref name="aRepeat"/> says what a repeat does there.</summary>
    public static HeaderParameterDoc Documented(string aRepeat) => new(
        Header,
        $"A key of your own (a UUID is best), printable ASCII, at most {IdempotencyRecord.MaxKeyLength} characters. {aRepeat}",
        Required: true,
        MaxLength: IdempotencyRecord.MaxKeyLength);

    /// <summary>How often a repeat looks again whether the first request has answered, while it waits.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The key the request carries, or the words of the 400 when it carries none or a bad one.</summary>
    public static string? Read(HttpRequest request, out string? refusal)
    {
        var values = request.Headers[Header];
        refusal = null;
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values.ToString()))
        {
            refusal = $"Send an {Header} header (a new random value, such as a UUID, per checkout; the same one when repeating it).";
            return null;
        }

        var key = values.Count == 1 ? values[0]!.Trim() : null;

        // The draft's header is a Structured Field string ("…"); a bare token is taken as sent.
        if (key is { Length: >= 2 } && key[0] == '"' && key[^1] == '"')
        {
            key = key[1..^1];
        }

        if (key is null || key.Length == 0 || key.Length > IdempotencyRecord.MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7e))
        {
            refusal = $"{Header} must be one value of 1 to {IdempotencyRecord.MaxKeyLength} visible ASCII characters.";
            return null;
        }

        return key;
    }

    /// <summary>SHA-256 of the request as bound: two bodies that mean the same request hash the same.</summary>
    public static byte[] Fingerprint<TRequest>(TRequest request) =>
        SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web));

    public static Task<IdempotencyRecord?> FindAsync(OrderingDbContext db, string ownerScope, string key, CancellationToken cancellationToken) =>
        db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.OwnerScope == ownerScope && k.Key == key, cancellationToken);

    public static KeyVerdict Judge(IdempotencyRecord record, byte[] requestHash) =>
        !CryptographicOperations.FixedTimeEquals(record.RequestHash, requestHash) ? KeyVerdict.OtherRequest
        : record.ResponseStatus is null ? KeyVerdict.StillRunning
        : KeyVerdict.Replay;

    /// <summary>
    /// Waits up to <paramref name="patience"/> for the first request under the key to answer, so that concurrent repeats
    /// read its answer rather than a 409; null when it is still running after that.
    /// </summary>
    public static async Task<IdempotencyRecord?> AwaitAnswerAsync(
        OrderingDbContext db, IdempotencyRecord record, TimeSpan patience, TimeProvider clock, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + patience;
        while (clock.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, clock, cancellationToken);
            var now = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == record.Id, cancellationToken);
            if (now?.ResponseStatus is not null)
            {
                return now;
            }
        }

        return null;
    }
}
