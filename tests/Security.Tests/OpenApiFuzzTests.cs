using System.Net;
using System.Text;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Every documented operation, fed generated hostile parameters and bodies (seeded, so a failure replays), as an
/// anonymous caller and as the role that gets past its authorization. The API answers each with something other than
/// a 5xx, and every 4xx is problem+json; Kestrel's own 413/414/431 count as answers.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class OpenApiFuzzTests(SecurityHost host)
{
    private const int Seed = 20261205;
    private const int RequestsPerAuthorizedCaller = 16;
    private const int RequestsPerAnonymousCaller = 4;

    private static readonly string[] BulkBodies =
    [
        "null\n", "[]\n", "{}\n", "{\"sku\":null}\n", "{\"sku\":\"a\",\"price\":\"abc\",\"stock\":-1}\n", "{\"skus\":[null]}\n", "\0\0\0\n",
        "{\"sku\":", string.Concat(Enumerable.Repeat("{}\n", 3_000)), "{\"sku\":\"" + new string('a', 300_000) + "\"}\n",
        new string('[', 10_000) + new string(']', 10_000) + "\n", string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + "\n",
    ];

    private static readonly string[] CsvBodies =
    [
        "", "sku\n", "\"unclosed\nrow\n", string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"c{i}")) + "\n1\n", "sku,price,currency,stock\nx,abc,EUR,-1\n",
        "sku,sku,sku\n1,2,3\n", "\0\u0001\u0002", "sku,price\n" + string.Concat(Enumerable.Repeat("a,1\n", 3_000)), "sku,title\n\"" + new string('a', 300_000) + "\",x\n",
    ];

    [Fact]
    public async Task Every_documented_operation_answers_hostile_input_without_5xx_and_with_problem_json_4xx()
    {
        var document = await host.DocumentAsync();
        var callers = await Callers.ArrangeAsync(host, "Fuzz");
        var violations = new List<string>();
        var sent = 0;
        foreach (var operation in document.Operations)
        {
            foreach (var (role, count) in new[] { (Role.Anonymous, RequestsPerAnonymousCaller), (Callers.RoleFor(operation), RequestsPerAuthorizedCaller) })
            {
                var random = new Random(Seed ^ StableHash($"{operation.OperationId}/{role}"));
                for (var i = 0; i < count; i++)
                {
                    var (request, input) = Build(document, operation, callers, random, hostileBody: i % 2 == 1);
                    using (request)
                    {
                        HttpResponseMessage answer;
                        try
                        {
                            answer = await host.CreateClient().SendAsync(callers.Authenticate(request, role));
                        }
                        catch (HttpRequestException e)
                        {
                            violations.Add($"{operation} as {role} with {input}: the connection failed: {e.Message}");
                            continue;
                        }

                        sent++;
                        if (Violates(answer))
                        {
                            violations.Add($"{operation} as {role} with {input}: {await answer.DescribeAsync(200)}");
                        }
                    }
                }
            }
        }

        Assert.True(sent > document.Operations.Count * RequestsPerAuthorizedCaller, $"Only {sent} requests were sent.");
        Assert.True(violations.Count == 0, Answers.Report($"Hostile input ({sent} requests, seed {Seed})", violations));
    }

    /// <summary>A 5xx, or a 4xx that is not problem+json (other than the server's own size refusals).</summary>
    public static bool Violates(HttpResponseMessage answer)
    {
        var status = (int)answer.StatusCode;
        return status >= 500
            || (status >= 400 && !answer.IsProblem() && !answer.IsServerLimit() && answer.StatusCode != HttpStatusCode.RequestEntityTooLarge);
    }

    private static (HttpRequestMessage Request, string Input) Build(ApiDocument document, ApiOperation operation, Callers callers, Random random, bool hostileBody)
    {
        var bulk = operation.BodyMediaTypes.Count > 0 && !operation.HasJsonBody;
        var hasBody = operation.HasJsonBody || bulk;
        hostileBody &= hasBody;
        var input = new List<string>();
        var parameters = operation.Parameters.ToList();
        var hostileParameter = hostileBody || parameters.Count == 0 ? null : parameters[random.Next(parameters.Count)];

        var path = operation.Path;
        var query = new List<string>();
        var headers = new List<(string, string)>();
        foreach (var parameter in parameters)
        {
            var hostile = parameter == hostileParameter || (!hostileBody && parameter.In != "path" && random.Next(3) == 0);
            var value = hostile
                ? Pick(HostileInput.ForParameter(parameter.Schema), parameter.In == "header" ? HostileInput.HeaderTexts : null, random)
                : callers.KnownValue(parameter.Name) ?? (IsGuid(parameter) ? Guid.NewGuid().ToString() : null);
            if (value is null)
            {
                continue;
            }

            if (hostile)
            {
                input.Add($"{parameter.In} {parameter.Name}={Answers.Show(value, 60)}");
            }

            var name = parameter.Name.Replace("{code}", "material", StringComparison.Ordinal);
            switch (parameter.In)
            {
                case "path":
                    path = path.Replace($"{{{parameter.Name}}}", Escape(value), StringComparison.Ordinal);
                    break;
                case "query":
                    var repeats = hostile && random.Next(6) == 0 ? 300 : 1;
                    query.AddRange(Enumerable.Repeat($"{Uri.EscapeDataString(name)}={Escape(value)}", repeats));
                    if (repeats > 1)
                    {
                        input.Add($"(repeated {repeats} times)");
                    }

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

        if (operation.HasJsonBody)
        {
            var plausible = HostileInput.Plausible(document, operation.BodySchema!.Value, callers.KnownValue);
            string body;
            if (hostileBody)
            {
                (body, var where) = HostileInput.Mutate(plausible, random);
                input.Add($"body at {where}: {Answers.Show(body, 160)}");
            }
            else
            {
                body = plausible?.ToJsonString() ?? "{}";
            }

            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        else if (bulk)
        {
            var csv = random.Next(2) == 0 && operation.BodyMediaTypes.Contains("text/csv");
            var bodies = csv ? CsvBodies : BulkBodies;
            var body = hostileBody ? bodies[random.Next(bodies.Length)] : csv ? "sku,price,currency,stock\n" : "{}\n";
            input.Add($"{(csv ? "CSV" : "JSON Lines")} body {Answers.Show(body, 100)}");
            request.Content = new StringContent(body, Encoding.UTF8, csv ? "text/csv" : "application/x-ndjson");
        }

        return (request, input.Count == 0 ? "plausible input" : string.Join("; ", input));
    }

    private static string Pick(string[] values, string[]? headerSafe, Random random)
    {
        var pool = headerSafe ?? values;
        return pool[random.Next(pool.Length)];
    }

    private static bool IsGuid(ApiParameter parameter) =>
        parameter.Schema.ValueKind == System.Text.Json.JsonValueKind.Object && parameter.Schema.TryGetProperty("format", out var f) && f.GetString() == "uuid";

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
