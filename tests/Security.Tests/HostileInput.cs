using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Security.Tests;

/// <summary>
/// Hostile values for parameters and bodies, chosen by the schema the OpenAPI document gives them: wrong formats,
/// boundaries, overlong and empty text, control characters, broken unicode, markup and injection attempts.
/// </summary>
public static class HostileInput
{
    public static readonly string[] Texts =
    [
        "", " ", "\0", "a\0b", "%00", new string('a', 5_000), new string('я', 2_000), "<script>alert(1)</script>", "' OR 1=1 --", "\"; DROP TABLE x; --",
        "${jndi:ldap://x/a}", "{{7*7}}", "../../../etc/passwd", "\\", "\u202e\u200b\ufeff", "💥🔥", "\ud800", "\udfff", "null", "[]", "{}", "NaN", "-1",
        "a:* & !b | (c <-> d)", "\r\n\t", "%", "%ZZ", "＜script＞",
    ];

    public static readonly string[] Guids =
        ["", "not-a-guid", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}",
         "3F2504E0-4F89-11D3-9A0C-0305E82C3301x", "3F2504E04F8911D39A0C0305E82C3301", "-1", "%00", new string('a', 5_000)];

    public static readonly string[] Integers =
        ["-1", "0", "-2147483648", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "99999999999999999999999999", "1e3", "1.5", "NaN", "", "abc", "0x10", "１"];

    public static readonly string[] Numbers =
        ["-1", "0", "-0", "1e309", "-1e309", "NaN", "Infinity", "79228162514264337593543950336", "0.0000000000000000000000000001", "1,5", "abc", "", "1e-400"];

    public static readonly string[] Booleans = ["maybe", "2", "", "TRUE ", "yes", "-1"];

    /// <summary>Values that can travel in an HTTP header (no line breaks; ASCII).</summary>
    public static readonly string[] HeaderTexts =
        ["", "not a token", new string('A', 32), new string('A', 8_000), "' OR 1=1 --", "%00", "../..", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "mk_x_y", "\t"];

    /// <summary>Values for a parameter of this schema, as text to put on the wire.</summary>
    public static string[] ForParameter(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Texts;
        }

        if (schema.TryGetProperty("type", out var type) && type.GetString() == "array" && schema.TryGetProperty("items", out var items))
        {
            return ForParameter(items);
        }

        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return (schema.TryGetProperty("type", out var t) ? t.GetString() : null, format) switch
        {
            ("string", "uuid") => Guids,
            ("string", "date-time") => ["", "yesterday", "9999-99-99", "0001-01-01T00:00:00Z", "2026-13-40T25:61:61Z", .. Texts[..6]],
            ("integer", _) => Integers,
            ("number", _) => Numbers,
            ("boolean", _) => Booleans,
            _ => Texts,
        };
    }

    /// <summary>A plausible value of the schema (the shape the server expects), so that one mutation at a time reaches deep.</summary>
    public static JsonNode? Plausible(ApiDocument document, JsonElement schema, Func<string, string?> knownId, string? propertyName = null, int depth = 0)
    {
        schema = document.Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > 6)
        {
            return null;
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return JsonValue.Create(values[0].GetString());
        }

        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : schema.TryGetProperty("properties", out _) ? "object" : null;
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (type)
        {
            case "string" when format == "uuid":
                return JsonValue.Create((propertyName is null ? null : knownId(propertyName)) ?? Guid.Empty.ToString());
            case "string" when format == "date-time":
                return JsonValue.Create("2026-01-01T00:00:00Z");
            case "string":
                return JsonValue.Create(propertyName switch
                {
                    "email" => "fuzz@tests.local",
                    "currency" => "EUR",
                    "countryCode" => "DE",
                    "password" => "Fuzz-pass-123",
                    "brand" => knownId("brand") ?? "fuzz",
                    "image" => "https://cdn.example.com/p.jpg",
                    "gtin" => "4006381333931",
                    "role" => "marketing",
                    _ => "fuzz",
                });
            case "integer":
                return JsonValue.Create(1);
            case "number":
                return JsonValue.Create(1.5m);
            case "boolean":
                return JsonValue.Create(true);
            case "array":
                return new JsonArray(schema.TryGetProperty("items", out var items) ? Plausible(document, items, knownId, Singular(propertyName), depth + 1) : null);
            case "object":
            {
                var node = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        node[property.Name] = Plausible(document, property.Value, knownId, property.Name, depth + 1);
                    }
                }
                else if (schema.TryGetProperty("additionalProperties", out _))
                {
                    node["material"] = "glass";
                }

                return node;
            }

            default:
                return null;
        }
    }

    /// <summary>A hostile replacement for a JSON value: nulls, wrong types, boundaries, huge or broken text.</summary>
    public static JsonNode? HostileValue(Random random) =>
        random.Next(22) switch
        {
            0 => null,
            1 => JsonValue.Create("a string"),
            2 => JsonValue.Create(-1),
            3 => JsonValue.Create(0),
            4 => JsonValue.Create(int.MaxValue),
            5 => JsonNode.Parse("2147483648"),
            6 => JsonNode.Parse("-9223372036854775809"),
            7 => JsonNode.Parse("1e308"),
            8 => JsonNode.Parse("79228162514264337593543950336"),
            9 => JsonNode.Parse("0.000000000000000000000000000001"),
            10 => JsonValue.Create(true),
            11 => new JsonArray(),
            12 => new JsonArray((JsonNode?)null),
            13 => new JsonObject(),
            14 => new JsonObject { ["unexpected"] = new JsonArray(1, "two", null) },
            15 => JsonValue.Create(new string('x', 200_000)),
            16 => JsonValue.Create(Texts[random.Next(Texts.Length)]),
            17 => JsonValue.Create(Guids[random.Next(Guids.Length)]),
            18 => new JsonArray(Enumerable.Range(0, 2_000).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
            19 => new JsonObject(Enumerable.Range(0, 500).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)JsonValue.Create(i)))),
            20 => JsonValue.Create(-0.5m),
            _ => JsonValue.Create("1.5"),
        };

    /// <summary>
    /// Hostile bodies derived from a plausible one: every value inside it replaced in turn by a hostile value, every
    /// array also given a <c>null</c> element and an empty object element, and the whole body replaced twice.
    /// </summary>
    public static IEnumerable<(string Body, string Where)> Mutations(JsonNode? plausible, Random random)
    {
        var count = Slots(plausible).Count;
        for (var i = 0; i < count; i++)
        {
            yield return Replace(plausible, i, _ => HostileValue(random));
            if (Slots(plausible)[i].Value is JsonArray)
            {
                yield return Replace(plausible, i, _ => new JsonArray((JsonNode?)null));
                yield return Replace(plausible, i, current => new JsonArray([.. ((JsonArray)current!).Select(e => e?.DeepClone()), new JsonObject()]));
            }
        }

        for (var i = 0; i < 2; i++)
        {
            var whole = HostileValue(random);
            yield return (whole?.ToJsonString() ?? "null", "$ (whole body)");
        }
    }

    private static (string Body, string Where) Replace(JsonNode? plausible, int index, Func<JsonNode?, JsonNode?> hostile)
    {
        var copy = plausible!.DeepClone();
        var (parent, key, position, path, value) = Slots(copy)[index];
        if (key is not null)
        {
            parent.AsObject()[key] = hostile(value);
        }
        else
        {
            parent.AsArray()[position] = hostile(value);
        }

        return (copy.ToJsonString(), path);
    }

    private static List<(JsonNode Parent, string? Key, int Index, string Path, JsonNode? Value)> Slots(JsonNode? root)
    {
        var slots = new List<(JsonNode, string?, int, string, JsonNode?)>();
        Collect(root, "$", slots);
        return slots;
    }

    private static void Collect(JsonNode? node, string path, List<(JsonNode, string?, int, string, JsonNode?)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    slots.Add((obj, name, -1, $"{path}.{name}", child));
                    Collect(child, $"{path}.{name}", slots);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i, $"{path}[{i}]", array[i]));
                    Collect(array[i], $"{path}[{i}]", slots);
                }

                break;
        }
    }

    private static string? Singular(string? plural) => plural is { Length: > 1 } && plural.EndsWith('s') ? plural[..^1] : plural;
}
