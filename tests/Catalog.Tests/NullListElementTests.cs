using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests;

/// <summary>The host with an admin, and room for the sign-ups the walk makes.</summary>
public sealed class NullListElementFactory : MarketplaceFactory
{
    public NullListElementFactory()
    {
        this.WithBootstrapAdmin();
        Settings["Api:CredentialAttemptsPerMinute"] = "10000";
    }
}

/// <summary>
/// Walks the OpenAPI document rather than listing request types by hand, so a request type added later is covered
/// the day it is mapped: every JSON body with a list anywhere in it (nested objects and lists of objects too) is sent
/// with <c>null</c> as that list's element, under the first credentials the route accepts.
/// </summary>
public sealed class NullListElementTests(NullListElementFactory factory) : IClassFixture<NullListElementFactory>
{
    private const int MaxDepth = 5;

    [Fact]
    public async Task A_null_element_in_any_list_of_any_request_body_is_a_400_naming_the_list()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");
        var callers = await CallersAsync();
        var failures = new List<string>();
        var checkedLists = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (!operation.Value.TryGetProperty("requestBody", out var body)
                    || !body.GetProperty("content").TryGetProperty("application/json", out var json)
                    || !json.TryGetProperty("schema", out var schema))
                {
                    continue;
                }

                foreach (var (field, payload) in BodiesWithNullElement(Resolve(document, schema), document, "", 0))
                {
                    var name = $"{operation.Name.ToUpperInvariant()} {path.Name} {field}";
                    checkedLists.Add(name);
                    var response = await SendAsync(callers, new HttpMethod(operation.Name.ToUpperInvariant()), Fill(path.Name, callers), payload);
                    var text = await response.Content.ReadAsStringAsync();
                    if (!IsValidationProblemNaming(response, text, field))
                    {
                        failures.Add($"{name}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
                    }
                }
            }
        }

        // The seller's product and links, categories, SKUs and staff roles carry lists today; the walk must find them.
        Assert.Contains(checkedLists, c => c.Contains("/products ", StringComparison.Ordinal) && c.EndsWith(" skus", StringComparison.Ordinal));
        Assert.Contains(checkedLists, c => c.EndsWith(" links", StringComparison.Ordinal));
        Assert.Contains(checkedLists, c => c.EndsWith(" attributes[0].allowedValues", StringComparison.Ordinal));
        Assert.Contains(checkedLists, c => c.EndsWith(" roles", StringComparison.Ordinal));
        Assert.True(failures.Count == 0, "A null list element was not a 400 naming the list:\n" + string.Join("\n", failures));
    }

    private static bool IsValidationProblemNaming(HttpResponseMessage response, string text, string field)
    {
        if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        using var problem = JsonDocument.Parse(text);
        return problem.RootElement.TryGetProperty("errors", out var errors)
            && errors.EnumerateObject().Any(e => e.Name.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>For every list reachable in the schema: its JSON path and a body that holds <c>[null]</c> there.</summary>
    private static IEnumerable<(string Field, JsonNode Body)> BodiesWithNullElement(JsonElement schema, JsonElement document, string prefix, int depth)
    {
        if (depth > MaxDepth || !schema.TryGetProperty("properties", out var properties))
        {
            yield break;
        }

        foreach (var property in properties.EnumerateObject())
        {
            var field = prefix + property.Name;
            var value = Resolve(document, property.Value);
            if (IsType(value, "array"))
            {
                yield return (field, new JsonObject { [property.Name] = new JsonArray((JsonNode?)null) });
                if (value.TryGetProperty("items", out var items))
                {
                    foreach (var (inner, body) in BodiesWithNullElement(Resolve(document, items), document, field + "[0].", depth + 1))
                    {
                        yield return (inner, new JsonObject { [property.Name] = new JsonArray(body) });
                    }
                }
            }
            else if (IsType(value, "object"))
            {
                foreach (var (inner, body) in BodiesWithNullElement(value, document, field + ".", depth + 1))
                {
                    yield return (inner, new JsonObject { [property.Name] = body });
                }
            }
        }
    }

    private static bool IsType(JsonElement schema, string type) =>
        schema.TryGetProperty("type", out var declared)
            ? declared.ValueKind == JsonValueKind.String ? declared.GetString() == type : declared.EnumerateArray().Any(t => t.GetString() == type)
            : type == "object" && schema.TryGetProperty("properties", out _);

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (true)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var node = document;
                foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
                {
                    node = node.GetProperty(part);
                }

                schema = node;
                continue;
            }

            // A nullable reference is written as oneOf/allOf/anyOf around the $ref.
            foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
            {
                if (schema.TryGetProperty(combinator, out var options) && options.EnumerateArray().FirstOrDefault(o => o.TryGetProperty("$ref", out _)) is { ValueKind: JsonValueKind.Object } target)
                {
                    return Resolve(document, target);
                }
            }

            return schema;
        }
    }

    /// <summary>The route with its parameters filled: the seller's and the customer's own ids, a real rule section, else a fresh id.</summary>
    private static string Fill(string template, Callers callers)
    {
        var path = new StringBuilder();
        foreach (var segment in template.Split('/'))
        {
            path.Append(path.Length == 0 && segment.Length == 0 ? "" : "/");
            var open = segment.IndexOf('{', StringComparison.Ordinal);
            if (open < 0)
            {
                path.Append(segment);
                continue;
            }

            var close = segment.IndexOf('}', StringComparison.Ordinal);
            var value = segment[(open + 1)..close] switch
            {
                "sellerId" => callers.SellerId.ToString(),
                "userId" => callers.CustomerId.ToString(),
                "section" => "pricing",
                "code" => "CODE",
                _ => Guid.NewGuid().ToString(),
            };
            path.Append(segment[..open]).Append(value).Append(segment[(close + 1)..]);
        }

        return path.ToString();
    }

    /// <summary>Sends the body as each kind of caller in turn until the route lets one in.</summary>
    private async Task<HttpResponseMessage> SendAsync(Callers callers, HttpMethod method, string path, JsonNode body)
    {
        HttpResponseMessage? response = null;
        foreach (var authorize in callers.All)
        {
            var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            authorize(request);
            response = await factory.CreateClient().SendAsync(request);
            if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
            {
                return response;
            }
        }

        return response!;
    }

    private sealed record Callers(Guid SellerId, Guid CustomerId, IReadOnlyList<Action<HttpRequestMessage>> All);

    private async Task<Callers> CallersAsync()
    {
        var client = factory.CreateClient();
        var customer = await IdentityFlows.RegisterCustomerAsync(client);
        var seller = await IdentityFlows.CreateSellerAsync(client, $"Nulls {Guid.NewGuid():N}"[..20]);
        var key = await IdentityFlows.CreateApiKeyAsync(factory.CreateClient(seller.MemberAccessToken), seller.SellerId);
        var admin = await IdentityFlows.AdminAccessTokenAsync(client);
        Action<HttpRequestMessage> Bearer(string token) => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Callers(seller.SellerId, customer.UserId,
        [
            _ => { },
            Bearer(customer.AccessToken),
            Bearer(seller.MemberAccessToken),
            r => r.Headers.Add("X-Api-Key", key),
            Bearer(admin),
        ]);
    }
}
