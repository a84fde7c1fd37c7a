using System.Net;
using System.Net.Http.Json;
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
        var answers = new List<SignInAnswer>();
        for (var i = 0; i < BruteForceHost.Attempts * 2; i++)
        {
            answers.Add(await SignInAsync("198.51.100.10", "victim@tests.local", $"Guess-number-{i}"));
        }

        var seen = string.Join("\n", answers);
        Assert.True(answers.Take(BruteForceHost.Attempts).All(a => a.Status == StatusCodes.Status401Unauthorized), seen);
        var last = answers[^1];
        Assert.True(last.Status == StatusCodes.Status429TooManyRequests && last.ContentType?.StartsWith(Answers.ProblemJson, StringComparison.Ordinal) == true, seen);
        Assert.True(int.TryParse(last.RetryAfter, out var seconds) && seconds > 0, $"Retry-After: '{last.RetryAfter}'");
        Assert.Equal(429, JsonDocument.Parse(last.Body).RootElement.GetProperty("status").GetInt32());
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

        Assert.True(signIn.Status == StatusCodes.Status200OK, signIn.ToString());
    }

    private sealed record SignInAnswer(int Status, string? ContentType, string? RetryAfter, string Body);

    /// <summary>
    /// Through a handler of the test server that sets the client's address, because the rate limits partition by it
    /// and only there can a test choose it.
    /// </summary>
    private async Task<SignInAnswer> SignInAsync(string clientAddress, string email, string password)
    {
        using var client = new HttpClient(host.Server.CreateHandler(http => http.Connection.RemoteIpAddress = IPAddress.Parse(clientAddress)))
        {
            BaseAddress = host.Server.BaseAddress,
        };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        return new SignInAnswer(
            (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
    }
}
