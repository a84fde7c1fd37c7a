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
        try
        {
            var reader = new Utf8JsonReader(line);
            var value = JsonSerializer.Deserialize<T>(ref reader, Options);
            if (value is null)
            {
                return BulkRow<T>.Rejected(number, "$", "A row is a JSON object.");
            }

            // Deserialize stops after the first value; anything after it on the line is not one row.
            if (reader.Read())
            {
                return BulkRow<T>.Rejected(number, "$", "A line holds exactly one JSON object.");
            }

            return new BulkRow<T>(number, value, null, null);
        }
        catch (JsonException e)
        {
            if (UnknownProperty().Match(e.Message) is { Success: true } unknown)
            {
                return BulkRow<T>.Rejected(number, unknown.Groups[1].Value, "Unknown field.");
            }

            var path = e.Path;
            return string.IsNullOrEmpty(path) || path == "$" || e.InnerException is null && e.Message.Contains("invalid", StringComparison.OrdinalIgnoreCase)
                ? BulkRow<T>.Rejected(number, "$", $"The line is not a valid JSON object (position {e.BytePositionInLine}).")
                : BulkRow<T>.Rejected(number, path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path, "The value has the wrong type for this field.");
        }
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnknownProperty();
}
