using System.Text.Json;

namespace Marketplace.Security.Tests;

/// <summary>A parameter of an operation as the OpenAPI document declares it.</summary>
public sealed record ApiParameter(string Name, string In, JsonElement Schema, bool Required);

/// <summary>One documented operation: what the suite enumerates, so that a new route is covered the day it lands.</summary>
public sealed record ApiOperation(
    string Method, string Path, string OperationId, IReadOnlyList<ApiParameter> Parameters, IReadOnlyList<string> BodyMediaTypes, JsonElement? BodySchema)
{
    public IEnumerable<string> PathParameters => Parameters.Where(p => p.In == "path").Select(p => p.Name);

    public bool HasJsonBody => BodyMediaTypes.Contains("application/json");

    /// <summary>
    /// The operation's <c>security</c>: each alternative as the schemes it needs together; empty when it needs none, null
    /// when the operation says nothing.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? Security { get; init; }

    /// <summary>Whether every documented way to call it needs a credential (no alternative without one).</summary>
    public bool RequiresCredentials => Security is { Count: > 0 } alternatives && alternatives.All(schemes => schemes.Count > 0);

    public override string ToString() => $"{Method} {Path} ({OperationId})";
}

/// <summary>The host's OpenAPI 3.0 document, read with System.Text.Json: operations, parameters, body schemas, <c>$ref</c>s.</summary>
public sealed class ApiDocument
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private readonly JsonElement _root;

    private ApiDocument(JsonElement root, IReadOnlyList<ApiOperation> operations)
    {
        _root = root;
        Operations = operations;
    }

    public IReadOnlyList<ApiOperation> Operations { get; }

    /// <summary>The document itself, for what lies outside the operations (tags, components).</summary>
    public JsonElement Root => _root;

    public static ApiDocument Parse(string json)
    {
        var root = JsonDocument.Parse(json).RootElement.Clone();
        var operations = new List<ApiOperation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                var op = method.Value;
                var parameters = op.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new ApiParameter(
                        p.GetProperty("name").GetString()!,
                        p.GetProperty("in").GetString()!,
                        p.TryGetProperty("schema", out var s) ? s : default,
                        p.TryGetProperty("required", out var r) && r.GetBoolean())).ToList()
                    : [];
                var media = new List<string>();
                JsonElement? schema = null;
                if (op.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var content))
                {
                    foreach (var type in content.EnumerateObject())
                    {
                        media.Add(type.Name);
                        if (type.Name == "application/json" && type.Value.TryGetProperty("schema", out var bodySchema))
                        {
                            schema = bodySchema;
                        }
                    }
                }

                operations.Add(new ApiOperation(
                    method.Name.ToUpperInvariant(), path.Name, op.TryGetProperty("operationId", out var id) ? id.GetString()! : $"{method.Name} {path.Name}",
                    parameters, media, schema)
                {
                    Security = op.TryGetProperty("security", out var security)
                        ? security.EnumerateArray().Select(alternative => (IReadOnlyList<string>)alternative.EnumerateObject().Select(scheme => scheme.Name).ToList()).ToList()
                        : null,
                });
            }
        }

        return new ApiDocument(root, operations);
    }

    /// <summary>The schema a <c>$ref</c> points at (or the schema itself).</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var target = _root;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }

            schema = target;
        }

        return schema;
    }
}
