using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.Platform.Paging;

/// <summary>
/// Opaque keyset cursors: the sort key of the last row seen, as JSON, and an HMAC-SHA256 of it, each URL-safe base64,
/// joined by a dot. The MAC is what makes a cursor opaque: a client that edits the position or the filter a cursor was
/// issued for, and encodes it again, gets it refused instead of a page that no query of its own would have produced.
/// Until the host installs the configured key (<see cref="CursorSigning"/>) the key is a random one of this process.
/// </summary>
public static class Cursor
{
    private static CursorSigner ActiveSigner = CursorSigner.WithRandomKey();

    public static string Encode<T>(T position) => Volatile.Read(ref ActiveSigner).Encode(position);

    /// <summary>Decodes a cursor; false when it was not produced by <see cref="Encode{T}"/> with this key (tampered, truncated or forged).</summary>
    public static bool TryDecode<T>(string? cursor, out T? position) => Volatile.Read(ref ActiveSigner).TryDecode(cursor, out position);

    /// <summary>Signs and checks with this key from now on; replicas given the same key accept each other's cursors.</summary>
    public static void UseKey(byte[] key) => Volatile.Write(ref ActiveSigner, new CursorSigner(key));
}

/// <summary>Encodes cursors and checks them with one key.</summary>
public sealed class CursorSigner
{
    /// <summary>The shortest key accepted: the size of the HMAC-SHA256 output.</summary>
    public const int MinimumKeyBytes = 32;

    private const int MaxCursorLength = 2048;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly byte[] _key;

    public CursorSigner(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"A cursor key needs at least {MinimumKeyBytes} bytes; this one has {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
    }

    public static CursorSigner WithRandomKey() => new(RandomNumberGenerator.GetBytes(MinimumKeyBytes));

    public string Encode<T>(T position)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(position, Json);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Mac<T>(payload))}";
    }

    public bool TryDecode<T>(string? cursor, out T? position)
    {
        position = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxCursorLength)
        {
            return false;
        }

        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(mac, Mac<T>(payload)))
            {
                return false;
            }

            position = JsonSerializer.Deserialize<T>(payload, Json);
            return position is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The MAC covers the position's type too, so a cursor of one list is refused by every other list.</summary>
    private byte[] Mac<T>(byte[] payload)
    {
        var purpose = Encoding.UTF8.GetBytes(typeof(T).FullName ?? typeof(T).Name);
        var signed = new byte[purpose.Length + 1 + payload.Length];
        purpose.CopyTo(signed, 0);
        payload.CopyTo(signed, purpose.Length + 1);
        return HMACSHA256.HashData(_key, signed);
    }
}

/// <summary>One page of a keyset-paginated list.</summary>
/// <param name="Items">The rows of this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
