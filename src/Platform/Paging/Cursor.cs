using System.Buffers.Text;
using System.Text.Json;

namespace Marketplace.Platform.Paging;

/// <summary>Opaque keyset cursors: the sort key of the last row seen, encoded as URL-safe base64 JSON.</summary>
public static class Cursor
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Encode<T>(T position) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(position, Json));

    /// <summary>Decodes a cursor; false when it was not produced by <see cref="Encode{T}"/> (tampered or truncated).</summary>
    public static bool TryDecode<T>(string? cursor, out T? position)
    {
        position = default;
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 2048)
        {
            return false;
        }

        try
        {
            position = JsonSerializer.Deserialize<T>(Base64Url.DecodeFromChars(cursor), Json);
            return position is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>One page of a keyset-paginated list.</summary>
/// <param name="Items">The rows of this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
