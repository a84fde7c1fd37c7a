using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Marketplace.Platform.Bulk;

/// <summary>Reads one JSON Lines row into a typed row, turning System.Text.Json's failures into a field and a reason.</summary>
public static partial class BulkJson
{
    /// <summary>Web defaults, and a field the row type does not have is an error naming it.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The line as a <typeparamref name="T"/>, or rejected with the field at fault.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="number">The line's number.</param>
    /// <param name="line">The line.</param>
    /// <returns>The row.</returns>
    public static BulkRow<T> Read<T>(int number, ReadOnlySequence<byte> line)
        where T : class
    {
        // Syntax first, so that broken JSON and a value of the wrong type are told apart reliably.
        if (SyntaxError(line) is { } syntax)
        {
            return BulkRow.Rejected<T>(number, "$", syntax);
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            return JsonSerializer.Deserialize<T>(ref reader, Options) is { } value
                ? new BulkRow<T>(number, value, null, null)
                : BulkRow.Rejected<T>(number, "$", "A row is a JSON object.");
        }
        catch (JsonException e)
        {
            if (UnknownProperty().Match(e.Message) is { Success: true } unknown)
            {
                return BulkRow.Rejected<T>(number, unknown.Groups[1].Value, "Unknown field.");
            }

            var path = e.Path ?? "$";
            return path is "$" or ""
                ? BulkRow.Rejected<T>(number, "$", "A row is a JSON object.")
                : BulkRow.Rejected<T>(number, path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, "The value has the wrong type for this field.");
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
