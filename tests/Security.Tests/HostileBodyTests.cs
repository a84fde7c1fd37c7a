using System.Net;
using System.Text;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Bodies no client should send — <c>null</c>, an array, a bare value, JSON nested ten thousand deep, two megabytes —
/// sent by an authorized caller to every JSON write the document lists: a 4xx problem, never a 5xx, and a body over
/// <c>Api:MaxRequestBodyBytes</c> (1 MiB) is a 413 problem (Kestrel raises it when the body is read, and the host's
/// bad-input handler writes it as problem+json).
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class HostileBodyTests(SecurityHost host)
{
    private const int NestingDepth = 10_000;
    private const int OverLimitBytes = 2 * 1024 * 1024;

    private static readonly (string Label, string Body)[] Bodies =
    [
        ("null", "null"),
        ("an empty array", "[]"),
        ("a bare string", "\"text\""),
        ("a bare number", "42"),
        ("a bare boolean", "true"),
        ("arrays nested 10,000 deep", new string('[', NestingDepth) + new string(']', NestingDepth)),
        ("objects nested 10,000 deep", string.Concat(Enumerable.Repeat("{\"a\":", NestingDepth)) + "1" + new string('}', NestingDepth)),
        ("a truncated object", "{\"title\":"),
        ("an empty body", ""),
        ("not JSON at all", "<xml/>"),
    ];

    [Fact]
    public async Task Every_json_write_refuses_malformed_bodies_with_a_4xx_problem()
    {
        var (operations, callers) = await ArrangeAsync();
        var violations = new List<string>();
        foreach (var operation in operations)
        {
            foreach (var (label, body) in Bodies)
            {
                var answer = await SendAsync(operation, callers, body);
                var status = (int)answer.StatusCode;
                if (status is < 400 or >= 500 || !answer.IsProblem())
                {
                    violations.Add($"{operation} with {label}: {await answer.DescribeAsync()}");
                }
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("Malformed bodies must be 4xx problems", violations));
    }

    [Fact]
    public async Task Every_json_write_refuses_a_body_over_the_size_limit_with_a_413_problem()
    {
        var (operations, callers) = await ArrangeAsync();
        var body = "{\"title\":\"" + new string('a', OverLimitBytes) + "\"}";
        var violations = new List<string>();
        foreach (var operation in operations)
        {
            var answer = await SendAsync(operation, callers, body, expectContinue: true);
            if (answer.StatusCode != HttpStatusCode.RequestEntityTooLarge || !answer.IsProblem())
            {
                violations.Add($"{operation} with a 2 MiB body: {await answer.DescribeAsync()}");
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("A body over 1 MiB must be refused with a 413 problem", violations));
    }

    private async Task<(List<ApiOperation> Operations, Callers Callers)> ArrangeAsync()
    {
        var document = await host.DocumentAsync();
        var operations = document.Operations.Where(o => o.HasJsonBody && o.Method is "POST" or "PUT" or "PATCH").ToList();
        Assert.True(operations.Count >= 15, $"Only {operations.Count} JSON writes in the document.");
        return (operations, await Callers.ArrangeAsync(host, "Bodies"));
    }

    /// <param name="expectContinue">
    /// Ask before sending the body, as large uploads should: Kestrel then refuses an over-long body by its length
    /// alone, instead of closing the connection under a client that is still writing it.
    /// </param>
    private async Task<HttpResponseMessage> SendAsync(ApiOperation operation, Callers callers, string body, bool expectContinue = false)
    {
        var path = operation.Path;
        foreach (var name in operation.PathParameters)
        {
            path = path.Replace($"{{{name}}}", callers.KnownValue(operation, name) ?? Guid.NewGuid().ToString(), StringComparison.Ordinal);
        }

        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = expectContinue;
        try
        {
            return await host.CreateClient().SendAsync(callers.Authenticate(request, Callers.RoleFor(operation)));
        }
        catch (HttpRequestException e)
        {
            // Kestrel may close the connection on an over-long body before the client finished sending it.
            return new HttpResponseMessage((HttpStatusCode)0) { Content = new StringContent($"connection failed: {e.Message}") };
        }
    }
}
