using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Xunit;

namespace Marketplace.Identity.Tests.Tokens;

/// <summary>A host whose credential endpoints allow three attempts a minute.</summary>
public sealed class RateLimitedHost : MarketplaceFactory
{
    public const int Attempts = 3;

    public RateLimitedHost() => Settings["Api:CredentialAttemptsPerMinute"] = Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class CredentialRateLimitTests(RateLimitedHost host) : IClassFixture<RateLimitedHost>
{
    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_answer_429_problem_with_retry_after_to_that_client_only()
    {
        var client = host.CreateClient(IPAddress.Parse("203.0.113.21"));
        var otherClient = host.CreateClient(IPAddress.Parse("203.0.113.22"));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i <= RateLimitedHost.Attempts; i++)
        {
            last = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "guess@tests.local", password = $"Guess-number-{i}" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, RateLimitedHost.Attempts), statuses.Take(RateLimitedHost.Attempts));
        await last!.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(last!.Headers.RetryAfter is not null, "No Retry-After header on the 429.");
        var register = await client.PostAsJsonAsync("/api/v1/customers", new { email = "late@tests.local", password = "Long-enough-1" });
        await register.AssertProblemAsync(HttpStatusCode.TooManyRequests);

        // Another client's bucket is its own: a limit shared by every client would refuse it too.
        var other = await otherClient.PostAsJsonAsync("/api/v1/auth/token", new { email = "other@tests.local", password = "Guess-number-0" });
        await other.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_64_share_one_credential_allowance()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= RateLimitedHost.Attempts + 1; i++)
        {
            var client = host.CreateClient(IPAddress.Parse($"2001:db8:64:1::{i:x}"));
            var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = $"not-a-token-{i}" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        var elsewhere = host.CreateClient(IPAddress.Parse("2001:db8:64:2::1"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token" })).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_proxy_a_client_cannot_pick_its_bucket_with_x_forwarded_for()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= RateLimitedHost.Attempts + 1; i++)
        {
            var client = host.CreateClient(IPAddress.Parse("198.51.100.77"));
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = $"not-a-token-{i}" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
