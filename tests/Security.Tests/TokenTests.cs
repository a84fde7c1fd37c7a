using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Platform.Security;
using Marketplace.TestSupport;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Access tokens the host did not issue, or no longer honours, open nothing: each is refused with a 401 problem on a
/// customer route, a staff read, a seller read and an admin write (all documented, all opened by the same token made
/// well), and the admin write changes nothing.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class TokenTests(SecurityHost host)
{
    public static TheoryData<string> BadTokens() =>
        ["expired", "alg none", "signed by another RSA key", "another audience", "another issuer", "payload tampered to admin after signing",
         "HS256 signed with the host's public key", "signature stripped", "not yet valid"];

    /// <summary>A customer route, a staff read, a seller read and an admin write: where each token is tried.</summary>
    private static readonly (string Method, string Template)[] Targets =
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/marketing/rules"),
        ("GET", "/api/v1/sellers/{sellerId}/offers"),
        ("PUT", "/api/v1/admin/users/{userId}/roles"),
    ];

    [Fact]
    public async Task A_token_forged_with_the_host_key_opens_the_routes_which_shows_the_bad_ones_fail_for_their_flaw_alone()
    {
        var document = await host.DocumentAsync();
        var token = SecurityHost.Forge(host.HostCredentials, host.A.Owner.UserId, Roles, sellers: [host.A.SellerId]);

        // Aimed at an account of its own, so that the control's admin write touches nobody the suite reads; an
        // empty list keeps it without staff roles.
        var bystander = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var violations = new List<string>();
        foreach (var (method, template) in Targets)
        {
            if (!document.Operations.Any(o => o.Method == method && o.Path == template))
            {
                violations.Add($"{method} {template} is not a documented operation; aim the token tests at one that is");
                continue;
            }

            using var request = Request(method, template, bystander.UserId, Array.Empty<string>());
            var answer = await host.CreateClient().SendAsync(request.WithBearer(token));
            if (!answer.IsSuccessStatusCode)
            {
                violations.Add($"{method} {template}: {await answer.DescribeAsync()}");
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("A well-made admin token must open every target", violations));
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_refused_with_401_problem_everywhere(string flaw)
    {
        var token = BadToken(flaw);
        var violations = new List<string>();
        foreach (var (method, template) in Targets)
        {
            using var request = Request(method, template, host.CustomerB.UserId, new[] { "admin" });
            var answer = await host.CreateClient().SendAsync(request.WithBearer(token));
            if (answer.StatusCode != HttpStatusCode.Unauthorized || !answer.IsProblem())
            {
                violations.Add($"{method} {request.RequestUri}: {await answer.DescribeAsync()}");
            }
        }

        var victim = await IdentityFlows.SignInAsync(host.CreateClient(), host.CustomerB.Email, host.CustomerB.Password);
        if (IdentityFlows.ClaimsOf(victim.AccessToken).Contains((MarketplaceClaims.Role, MarketplaceClaims.Roles.Admin)))
        {
            violations.Add("customer B became an admin");
        }

        Assert.True(violations.Count == 0, Answers.Report($"A token that is {flaw} must open nothing", violations));
    }

    private static string[] Roles => [MarketplaceClaims.Roles.Customer, MarketplaceClaims.Roles.Admin];

    /// <summary>A target's request: seller A's offers, or the roles of <paramref name="userId"/> set to <paramref name="roles"/>.</summary>
    private HttpRequestMessage Request(string method, string template, Guid userId, string[] roles)
    {
        var path = template.Replace("{sellerId}", host.A.SellerId.ToString(), StringComparison.Ordinal).Replace("{userId}", userId.ToString(), StringComparison.Ordinal);
        return new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "PUT" ? JsonContent.Create(new { roles }) : null };
    }

    /// <summary>
    /// The control's token with one flaw: the same account (seller A's owner, acting for A, with the admin role), so
    /// that only the flaw stands between it and every target.
    /// </summary>
    private string BadToken(string flaw)
    {
        var user = host.A.Owner.UserId;
        var roles = Roles;
        var sellers = new[] { host.A.SellerId };
        switch (flaw)
        {
            case "expired":
                // Well past the host's clock skew.
                return SecurityHost.Forge(host.HostCredentials, user, roles, DateTimeOffset.UtcNow.AddMinutes(-10), sellers: sellers);
            case "not yet valid":
                return SecurityHost.Forge(host.HostCredentials, user, roles, DateTimeOffset.UtcNow.AddHours(2), sellers: sellers);
            case "alg none":
            {
                var payload = Segment(SecurityHost.Forge(host.HostCredentials, user, roles, sellers: sellers), 1);
                return $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{payload}.";
            }

            case "signed by another RSA key":
                using (var other = RSA.Create(2048))
                {
                    return SecurityHost.Forge(new SigningCredentials(new RsaSecurityKey(other.ExportParameters(true)), SecurityAlgorithms.RsaSha256), user, roles, sellers: sellers);
                }

            case "another audience":
                return SecurityHost.Forge(host.HostCredentials, user, roles, audience: "someone-else-api", sellers: sellers);
            case "another issuer":
                return SecurityHost.Forge(host.HostCredentials, user, roles, issuer: "https://evil.example", sellers: sellers);
            case "payload tampered to admin after signing":
            {
                // A genuine customer token from the host, its payload rewritten to claim admin, its signature kept.
                var genuine = host.CustomerA.AccessToken;
                var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(Segment(genuine, 1)))!;
                claims[MarketplaceClaims.Role] = JsonSerializer.SerializeToElement(new[] { MarketplaceClaims.Roles.Customer, MarketplaceClaims.Roles.Admin });
                var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims));
                return $"{Segment(genuine, 0)}.{payload}.{Segment(genuine, 2)}";
            }

            case "HS256 signed with the host's public key":
            {
                // Key confusion: a verifier that takes the algorithm from the header would check this HMAC with the
                // public key it holds, which anyone can read.
                var publicPem = Encoding.UTF8.GetBytes(host.SigningKey.ExportSubjectPublicKeyInfoPem());
                return SecurityHost.Forge(new SigningCredentials(new SymmetricSecurityKey(publicPem), SecurityAlgorithms.HmacSha256), user, roles, sellers: sellers);
            }

            case "signature stripped":
            {
                var genuine = host.CustomerA.AccessToken;
                return $"{Segment(genuine, 0)}.{Segment(genuine, 1)}.";
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(flaw), flaw, null);
        }
    }

    private static string Segment(string token, int index) => token.Split('.')[index];
}
