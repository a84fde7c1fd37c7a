using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Marketplace.Catalog.Bulk;

/// <summary>Reads one JSON Lines row into a typed row, turning System.Text.Json's failures into a field and a reason.</summary>
internal static partial class BulkJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static BulkRow<T> Read<T>(int number, ReadOnlySequence<byte> line)
        where T : class
    {
        // Syntax first, so that broken JSON and a value of the wrong type are told apart reliably.
        if (SyntaxError(line) is { } syntax)
        {
            return BulkRow<T>.Rejected(number, "$", syntax);
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            return JsonSerializer.Deserialize<T>(ref reader, Options) is { } value
                ? new BulkRow<T>(number, value, null, null)
                : BulkRow<T>.Rejected(number, "$", "A row is a JSON object.");
        }
        catch (JsonException e)
        {
            if (UnknownProperty().Match(e.Message) is { Success: true } unknown)
            {
                return BulkRow<T>.Rejected(number, unknown.Groups[1].Value, "Unknown field.");
            }

            var path = e.Path ?? "$";
            return path is "$" or ""
                ? BulkRow<T>.Rejected(number, "$", "A row is a JSON object.")
                : BulkRow<T>.Rejected(number, path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, "The value has the wrong type for this field.");
        }
    }

    private static string? SyntaxError(ReadOnlySequence<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "A row is a JSON object.";
            }

            reader.Skip();
            return reader.Read() ? "A line holds exactly one JSON object." : null;
        }
        catch (JsonException e)
        {
            return $"The line is not valid JSON (position {e.BytePositionInLine}).";
        }
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnknownProperty();
}
