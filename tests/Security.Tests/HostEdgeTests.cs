using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>What the host itself shows every caller: no map of its insides to strangers, and no content sniffing.</summary>
[Collection(SecuritySuite.Name)]
public sealed class HostEdgeTests(SecurityHost host)
{
    [Fact]
    public async Task The_system_report_names_no_adapter_or_component_to_anyone_but_an_admin()
    {
        var detail = await SecurityHost.Expect(await host.CreateClient(host.AdminToken).GetAsync("/api/v1/system"), HttpStatusCode.OK);
        var revealing = detail.GetProperty("components").EnumerateArray()
            .SelectMany(c => c.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!))
            .Concat(detail.TryGetProperty("status", out var status) ? status.EnumerateObject().Select(p => p.Name) : [])
            .Concat(["consul", "postgres", "npgsql", "rabbitmq", "redis", "sqlite"])
            .Where(word => word.Length >= 4)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

        foreach (var (who, client) in new[] { ("anonymous", host.CreateClient()), ("a customer", host.CreateClient(host.CustomerA.AccessToken)) })
        {
            var answer = await client.GetAsync("/api/v1/system");
            var body = await answer.Content.ReadAsStringAsync();
            var shown = JsonDocument.Parse(body).RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.True(shown.SequenceEqual(["state", "version"]), $"{who} sees {string.Join(", ", shown)}: {body}");
            Assert.DoesNotContain(revealing, word => body.Contains(word, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Every_answer_forbids_content_sniffing_whatever_its_status()
    {
        var anonymous = host.CreateClient();
        var samples = new (string What, HttpStatusCode Expected, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("a 200", HttpStatusCode.OK, () => anonymous.GetAsync("/api/v1/system")),
            ("a 401", HttpStatusCode.Unauthorized, () => anonymous.GetAsync("/api/v1/me")),
            ("a 404", HttpStatusCode.NotFound, () => anonymous.GetAsync($"/api/v1/products/{Guid.NewGuid()}")),
            ("a 404 off every route", HttpStatusCode.NotFound, () => anonymous.GetAsync("/no-such-page")),
            ("a 400", HttpStatusCode.BadRequest, () => anonymous.PostAsJsonAsync("/api/v1/customers", new { email = "not an email", password = "" })),
        };

        var violations = new List<string>();
        foreach (var (what, expected, send) in samples)
        {
            var answer = await send();
            var nosniff = answer.Headers.TryGetValues("X-Content-Type-Options", out var values) && values.SequenceEqual(["nosniff"]);
            if (answer.StatusCode != expected || !nosniff)
            {
                violations.Add($"{what} ({answer.RequestMessage?.RequestUri}): X-Content-Type-Options {(nosniff ? "nosniff" : "missing")}, {await answer.DescribeAsync()}");
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("Every answer must carry X-Content-Type-Options: nosniff", violations));
    }
}
