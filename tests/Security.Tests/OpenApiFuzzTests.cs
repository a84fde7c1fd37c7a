using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Every documented operation, fed generated hostile parameters and bodies (seeded, so a failure replays), as an
/// anonymous caller and as the role that gets past its authorization. The API answers each with something other than
/// a 5xx, and every 4xx is problem+json; Kestrel's own 413/414/431 (and its bare 400 for a NUL in the path) count as
/// answers.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class OpenApiFuzzTests(SecurityHost host)
{
    private const int Seed = 20261205;

    /// <summary>Hostile values per parameter for the authorized caller.</summary>
    private const int ValuesPerParameter = 3;

    /// <summary>Requests per operation for the anonymous caller, which mostly meets authorization.</summary>
    private const int AnonymousRequests = 3;

    private static readonly string[] JsonLinesBodies =
    [
        "null\n", "[]\n", "{}\n", "{\"sku\":null}\n", "{\"sku\":\"a\",\"price\":\"abc\",\"stock\":-1}\n", "{\"skus\":[null]}\n", "{\"attributes\":[null]}\n", "\0\0\0\n",
        "{\"sku\":", string.Concat(Enumerable.Repeat("{}\n", 3_000)), "{\"sku\":\"" + new string('a', 300_000) + "\"}\n",
        new string('[', 10_000) + new string(']', 10_000) + "\n", string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + "\n",
    ];

    private static readonly string[] CsvBodies =
    [
        "", "sku\n", "\"unclosed\nrow\n", string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"c{i}")) + "\n1\n", "sku,price,currency,stock\nx,abc,EUR,-1\n",
        "sku,sku,sku\n1,2,3\n", "\0\u0001\u0002", "sku,price\n" + string.Concat(Enumerable.Repeat("a,1\n", 3_000)), "sku,title\n\"" + new string('a', 300_000) + "\",x\n",
    ];

    /// <summary>One request to make: which parameter gets which hostile value, or which hostile body.</summary>
    private sealed record Plan(ApiParameter? Parameter, string? Value, string? Body, string? MediaType, string Input)
    {
        /// <summary>The hostile query value is sent 300 times over.</summary>
        public bool Repeated { get; init; }
    }

    [Fact]
    public async Task Every_documented_operation_answers_hostile_input_without_5xx_and_with_problem_json_4xx()
    {
        var document = await host.DocumentAsync();
        var callers = await Callers.ArrangeAsync(host, "Fuzz");
        var violations = new List<string>();
        var sent = 0;
        foreach (var operation in document.Operations)
        {
            var random = new Random(Seed ^ StableHash(operation.OperationId));
            var plans = Plans(document, operation, callers, random).ToList();
            var anonymous = plans.OrderBy(_ => random.Next()).Take(AnonymousRequests).Select(p => (Role.Anonymous, p));
            foreach (var (role, plan) in plans.Select(p => (Callers.RoleFor(operation), p)).Concat(anonymous))
            {
                using var request = Build(document, operation, callers, plan);
                HttpResponseMessage answer;
                try
                {
                    answer = await host.CreateClient().SendAsync(callers.Authenticate(request, role));
                }
                catch (HttpRequestException e)
                {
                    violations.Add($"{operation} as {role} with {plan.Input}: the connection failed: {e.Message}");
                    continue;
                }

                sent++;
                if (Violates(answer) && !KestrelRefusedTarget(request, answer))
                {
                    violations.Add($"{operation} as {role} with {plan.Input}: {await answer.DescribeAsync(200)}");
                }
            }
        }

        Assert.True(sent > document.Operations.Count * 4, $"Only {sent} requests were sent.");
        Assert.True(violations.Count == 0, Answers.Report($"Hostile input ({sent} requests, seed {Seed})", violations));
    }

    /// <summary>A 5xx, or a 4xx that is not problem+json (other than the server's own size refusals).</summary>
    public static bool Violates(HttpResponseMessage answer)
    {
        var status = (int)answer.StatusCode;
        return status >= 500
            || (status >= 400 && !answer.IsProblem() && !answer.IsServerLimit() && answer.StatusCode != HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>
    /// Kestrel answers a request target holding an encoded NUL with its own bare 400 before the application runs,
    /// like its 414 and 431: the server's answer, not the API's.
    /// </summary>
    private static bool KestrelRefusedTarget(HttpRequestMessage request, HttpResponseMessage answer) =>
        answer.StatusCode == HttpStatusCode.BadRequest
        && answer.Content.Headers.ContentType is null
        && request.RequestUri!.OriginalString.Split('?')[0].Contains("%00", StringComparison.OrdinalIgnoreCase);

    /// <summary>Each parameter with a few hostile values (the rest plausible), then each hostile body.</summary>
    private static IEnumerable<Plan> Plans(ApiDocument document, ApiOperation operation, Callers callers, Random random)
    {
        foreach (var parameter in operation.Parameters)
        {
            var pool = parameter.In == "header" ? HostileInput.HeaderTexts : HostileInput.ForParameter(parameter.Schema);
            foreach (var value in pool.OrderBy(_ => random.Next()).Take(ValuesPerParameter))
            {
                var repeated = parameter.In == "query" && random.Next(4) == 0;
                yield return new Plan(parameter, value, null, null, $"{parameter.In} {parameter.Name}={Answers.Show(value, 60)}{(repeated ? " (repeated 300 times)" : "")}")
                {
                    Repeated = repeated,
                };
            }
        }

        if (operation.HasJsonBody)
        {
            var plausible = HostileInput.Plausible(document, operation.BodySchema!.Value, callers.KnownValue);
            foreach (var (body, where) in HostileInput.Mutations(plausible, random))
            {
                yield return new Plan(null, null, body, "application/json", $"body at {where}: {Answers.Show(body, 160)}");
            }
        }
        else if (operation.BodyMediaTypes.Count > 0)
        {
            foreach (var body in JsonLinesBodies)
            {
                yield return new Plan(null, null, body, "application/x-ndjson", $"JSON Lines body {Answers.Show(body, 100)}");
            }

            foreach (var body in operation.BodyMediaTypes.Contains("text/csv") ? CsvBodies : [])
            {
                yield return new Plan(null, null, body, "text/csv", $"CSV body {Answers.Show(body, 100)}");
            }
        }
    }

    private static HttpRequestMessage Build(ApiDocument document, ApiOperation operation, Callers callers, Plan plan)
    {
        var path = operation.Path;
        var query = new List<string>();
        var headers = new List<(string, string)>();
        foreach (var parameter in operation.Parameters)
        {
            var hostile = parameter == plan.Parameter;
            var value = hostile ? plan.Value : callers.KnownValue(operation, parameter.Name) ?? (IsGuid(parameter.Schema) && parameter.In == "path" ? Guid.NewGuid().ToString() : null);
            if (value is null)
            {
                continue;
            }

            var name = parameter.Name.Replace("{code}", "material", StringComparison.Ordinal);
            switch (parameter.In)
            {
                case "path":
                    path = path.Replace($"{{{parameter.Name}}}", Escape(value), StringComparison.Ordinal);
                    break;
                case "query":
                    query.AddRange(Enumerable.Repeat($"{Uri.EscapeDataString(name)}={Escape(value)}", hostile && plan.Repeated ? 300 : 1));
                    break;
                case "header":
                    headers.Add((name, value));
                    break;
            }
        }

        var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Count == 0 ? path : $"{path}?{string.Join('&', query)}");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (plan.Body is not null)
        {
            request.Content = new StringContent(plan.Body, Encoding.UTF8, plan.MediaType!);
        }
        else if (operation.HasJsonBody)
        {
            var plausible = HostileInput.Plausible(document, operation.BodySchema!.Value, callers.KnownValue);
            request.Content = new StringContent(plausible?.ToJsonString() ?? "{}", Encoding.UTF8, "application/json");
        }
        else if (operation.BodyMediaTypes.Count > 0)
        {
            request.Content = new StringContent("{}\n", Encoding.UTF8, "application/x-ndjson");
        }

        return request;
    }

    private static bool IsGuid(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) && f.GetString() == "uuid";

    /// <summary>Percent-encodes text for a URL; text already in escaped form (a stray %00) goes as it is, to test the decoder.</summary>
    private static string Escape(string value)
    {
        if (value.StartsWith('%'))
        {
            return value;
        }

        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            return "%ED%A0%80";
        }
    }

    /// <summary>string.GetHashCode differs per process; the seed of an operation must not.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
