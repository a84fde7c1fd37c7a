using System.Net;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>A host whose credential endpoints allow five attempts a minute.</summary>
public sealed class BruteForceHost : MarketplaceFactory
{
    public const int Attempts = 5;

    public BruteForceHost() => Settings["Api:CredentialAttemptsPerMinute"] = Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Guessing passwords is slowed to the configured rate, and one attacker does not lock out everyone else.</summary>
public sealed class BruteForceTests(BruteForceHost host) : IClassFixture<BruteForceHost>
{
    [Fact]
    public async Task Wrong_passwords_for_one_email_beyond_the_limit_answer_429_problem_with_retry_after()
    {
        var attacker = "198.51.100.10";
        var statuses = new List<int>();
        HttpContext? last = null;
        for (var i = 0; i < BruteForceHost.Attempts * 2; i++)
        {
            last = await SignInAsync(attacker, "victim@tests.local", $"Guess-number-{i}");
            statuses.Add(last.Response.StatusCode);
        }

        Assert.True(statuses.Take(BruteForceHost.Attempts).All(s => s == StatusCodes.Status401Unauthorized), string.Join(", ", statuses));
        Assert.Equal(StatusCodes.Status429TooManyRequests, last!.Response.StatusCode);
        Assert.StartsWith(Answers.ProblemJson, last.Response.ContentType, StringComparison.Ordinal);
        Assert.True(int.TryParse(last.Response.Headers.RetryAfter.ToString(), out var seconds) && seconds > 0, $"Retry-After: '{last.Response.Headers.RetryAfter}'");
        var problem = await JsonDocument.ParseAsync(last.Response.Body);
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Another_client_signing_in_with_another_email_is_not_limited_by_the_attack()
    {
        var client = host.CreateClient();
        var customer = await IdentityFlows.RegisterCustomerAsync(client);
        for (var i = 0; i < BruteForceHost.Attempts * 2; i++)
        {
            await SignInAsync("198.51.100.20", "someone-else@tests.local", $"Guess-number-{i}");
        }

        var signIn = await SignInAsync("203.0.113.30", customer.Email, customer.Password);

        Assert.Equal(StatusCodes.Status200OK, signIn.Response.StatusCode);
    }

    /// <summary>
    /// Through the test server directly, because only there can a test choose the client's address (the rate limits
    /// partition by it).
    /// </summary>
    private Task<HttpContext> SignInAsync(string clientAddress, string email, string password) =>
        host.Server.SendAsync(http =>
        {
            http.Connection.RemoteIpAddress = IPAddress.Parse(clientAddress);
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/api/v1/auth/token";
            http.Request.ContentType = "application/json";
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { email, password }));
            http.Request.Body = new MemoryStream(body);
            http.Request.ContentLength = body.Length;
        });
}
