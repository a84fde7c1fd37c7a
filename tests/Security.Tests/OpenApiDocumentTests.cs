using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// The OpenAPI document is what frontends and partners generate clients from: it is committed (so that API changes show
/// in review), its names are ones a generator can use, every tag says what it groups, and its security tells the truth.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed partial class OpenApiDocumentTests(SecurityHost host)
{
    /// <summary>The one command that rewrites <c>api/openapi.json</c> from the host.</summary>
    public const string RefreshCommand = "UPDATE_OPENAPI=1 dotnet test tests/Security.Tests --filter FullyQualifiedName~OpenApiDocumentTests";

    private static readonly string CommittedPath = Path.Combine(SourceTree.Root, "api", "openapi.json");

    [Fact]
    public async Task The_committed_api_openapi_json_is_the_document_the_host_serves()
    {
        var served = Normalise(await host.CreateClient().GetStringAsync("/swagger/v1/swagger.json"));
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, served);
        }

        var committed = File.Exists(CommittedPath) ? Normalise(await File.ReadAllTextAsync(CommittedPath)) : "";
        Assert.True(committed == served, Difference(committed, served));
    }

    [Fact]
    public async Task Every_schema_has_a_short_valid_name_unique_whatever_the_case()
    {
        var document = await host.DocumentAsync();
        var names = document.Root.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(schema => schema.Name).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches(ValidComponentName(), name));
        var clashes = names.GroupBy(name => name, StringComparer.OrdinalIgnoreCase).Where(group => group.Count() > 1).Select(group => string.Join(" = ", group)).ToList();
        Assert.True(clashes.Count == 0, $"Schema names that differ only by case (one file each on a case-insensitive disk): {string.Join(", ", clashes)}");

        // A generic type is named after its arguments, as a generator would name the class.
        Assert.Contains("ReviewResponsePage", names);
    }

    [Fact]
    public async Task Every_tag_an_operation_uses_has_a_description()
    {
        var document = await host.DocumentAsync();
        var described = document.Root.TryGetProperty("tags", out var tags)
            ? tags.EnumerateArray()
                .Where(tag => tag.TryGetProperty("description", out var text) && !string.IsNullOrWhiteSpace(text.GetString()))
                .Select(tag => tag.GetProperty("name").GetString()!)
                .ToHashSet(StringComparer.Ordinal)
            : [];
        var used = document.Root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("tags", out _))
            .SelectMany(operation => operation.Value.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()!))
            .ToHashSet(StringComparer.Ordinal);

        var undescribed = used.Except(described).Order(StringComparer.Ordinal).ToList();
        Assert.True(undescribed.Count == 0, $"Tags without a description (add them to api/OpenApiTags.cs): {string.Join(", ", undescribed)}");
    }

    [Fact]
    public async Task Every_operation_states_its_security_and_a_4xx_answer()
    {
        var document = await host.DocumentAsync();
        var paths = document.Root.GetProperty("paths");
        var missing = document.Operations
            .Where(operation => operation.Security is null
                || !paths.GetProperty(operation.Path).GetProperty(operation.Method.ToLowerInvariant()).GetProperty("responses")
                    .EnumerateObject().Any(response => response.Name.StartsWith('4')))
            .Select(operation => operation.ToString())
            .ToList();

        Assert.True(document.Operations.Count > 50, $"Only {document.Operations.Count} operations are documented.");
        Assert.True(missing.Count == 0, $"Operations without security or a 4xx answer: {string.Join(", ", missing)}");
    }

    /// <summary>
    /// Every documented operation, called without credentials, answers 401 exactly where the document requires one; and
    /// called with each documented alternative, it does not answer 401. Path ids are random (a 404 or 403 is an answer
    /// that got past authentication); a route that requires credentials gets a plausible body and parameters, so that its
    /// own credential check is reached rather than a 400 for a missing body.
    /// </summary>
    [Fact]
    public async Task The_document_requires_credentials_exactly_where_the_api_answers_401()
    {
        var document = await host.DocumentAsync();
        var callers = await Callers.ArrangeAsync(host, "Truth");
        var credentials = new Dictionary<string, Action<HttpRequestMessage>>
        {
            ["bearer"] = request => request.WithBearer(callers.Customer.AccessToken),
            ["apiKey"] = request => request.WithApiKey(callers.Seller.ApiKey),
            ["cartToken"] = request => request.Headers.Add("X-Cart-Token", callers.GuestToken),
            ["orderToken"] = request => request.Headers.Add("X-Order-Token", $"ot_{Guid.NewGuid():N}"),
        };
        var lies = new List<string>();
        var calls = 0;
        foreach (var operation in document.Operations)
        {
            Assert.True(operation.Security is not null, $"{operation} states no security.");
            using (var anonymous = Request(document, operation))
            {
                var answer = await host.CreateClient().SendAsync(anonymous);
                calls++;
                if ((answer.StatusCode == HttpStatusCode.Unauthorized) != operation.RequiresCredentials)
                {
                    lies.Add($"{operation} documents {Describe(operation.Security!)}, yet without credentials answered {await answer.DescribeAsync(160)}");
                }
            }

            foreach (var alternative in operation.Security!.Where(schemes => schemes.Count > 0))
            {
                using var request = Request(document, operation);
                foreach (var scheme in alternative)
                {
                    Assert.True(credentials.TryGetValue(scheme, out var add), $"{operation} names the security scheme {scheme}, which this test cannot send; teach it.");
                    add(request);
                }

                var answer = await host.CreateClient().SendAsync(request);
                calls++;
                if (answer.StatusCode == HttpStatusCode.Unauthorized)
                {
                    lies.Add($"{operation} with {string.Join(" and ", alternative)} answered {await answer.DescribeAsync(160)}");
                }
            }
        }

        Assert.True(calls > document.Operations.Count, $"Only {calls} calls were made.");
        Assert.True(lies.Count == 0, Answers.Report("Security the document states but the API does not keep", lies));
    }

    private static HttpRequestMessage Request(ApiDocument document, ApiOperation operation)
    {
        var path = operation.Path;
        var query = new List<string>();
        var headers = new List<(string Name, string Value)>();
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path" || (p.Required && operation.RequiresCredentials)))
        {
            var value = SampleValue(parameter.Schema);
            switch (parameter.In)
            {
                case "path":
                    path = path.Replace($"{{{parameter.Name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
                    break;
                case "query":
                    query.Add($"{Uri.EscapeDataString(parameter.Name)}={Uri.EscapeDataString(value)}");
                    break;
                case "header":
                    headers.Add((parameter.Name, value));
                    break;
            }
        }

        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Count == 0 ? path : $"{path}?{string.Join('&', query)}");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // A body is a credential for some anonymous routes (sign-in's password): those are called without one.
        if (operation.RequiresCredentials && operation.HasJsonBody)
        {
            var plausible = HostileInput.Plausible(document, operation.BodySchema!.Value, _ => Guid.NewGuid().ToString());
            request.Content = new StringContent(plausible?.ToJsonString() ?? "{}", Encoding.UTF8, "application/json");
        }
        else if (operation.RequiresCredentials && operation.BodyMediaTypes.Count > 0)
        {
            request.Content = new StringContent("", Encoding.UTF8, operation.BodyMediaTypes[0]);
        }

        return request;
    }

    /// <summary>A well-formed value naming nothing that exists: a random id, a small number, a plain word.</summary>
    private static string SampleValue(JsonElement schema)
    {
        var type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return (type, format) switch
        {
            (_, "uuid") => Guid.NewGuid().ToString(),
            ("integer" or "number", _) => "1",
            ("boolean", _) => "true",
            _ => $"sample-{Guid.NewGuid():N}"[..16],
        };
    }

    private static string Describe(IReadOnlyList<IReadOnlyList<string>> security) =>
        security.Count == 0 ? "security: [] (anyone)" : "security: " + string.Join(" or ", security.Select(schemes => schemes.Count == 0 ? "{}" : string.Join("+", schemes)));

    private static string Normalise(string json) => json.ReplaceLineEndings("\n").TrimEnd() + "\n";

    /// <summary>The span where the committed file and the served document part (between their common start and end), as a diff hunk.</summary>
    private static string Difference(string committed, string served)
    {
        var text = new StringBuilder();
        text.AppendLine(committed.Length == 0
            ? $"{CommittedPath} is missing."
            : $"{CommittedPath} is not the document the host serves: the API changed and the committed file did not.");
        text.AppendLine($"Refresh it with `{RefreshCommand}` and review the diff it makes.");
        var before = committed.Split('\n');
        var after = served.Split('\n');
        var start = 0;
        while (start < before.Length && start < after.Length && before[start] == after[start])
        {
            start++;
        }

        var end = 0;
        while (end < before.Length - start && end < after.Length - start && before[^(end + 1)] == after[^(end + 1)])
        {
            end++;
        }

        const int shown = 15;
        text.AppendLine($"@@ line {start + 1}: {before.Length - start - end} committed line(s) became {after.Length - start - end} served line(s) @@");
        foreach (var line in before[start..^end].Take(shown))
        {
            text.Append("- ").AppendLine(line);
        }

        foreach (var line in after[start..^end].Take(shown))
        {
            text.Append("+ ").AppendLine(line);
        }

        return text.ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex ValidComponentName();
}
