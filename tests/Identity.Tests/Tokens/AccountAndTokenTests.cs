using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Marketplace.Identity.Tests.Tokens;

public sealed class AccountAndTokenTests(IdentityHost host) : IClassFixture<IdentityHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task A_registered_customer_signs_in_and_sees_itself_on_me()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var me = await host.CreateClient(customer.AccessToken).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(customer.UserId, body.GetProperty("userId").GetGuid());
        Assert.Equal(customer.Email, body.GetProperty("email").GetString());
        Assert.Equal(["customer"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(body.GetProperty("sellers").EnumerateArray());
        var claims = IdentityFlows.ClaimsOf(customer.AccessToken);
        Assert.Contains(("sub", customer.UserId.ToString()), claims);
        Assert.Contains(("email", customer.Email), claims);
        Assert.Contains(("role", "customer"), claims);
    }

    [Fact]
    public async Task Signing_in_with_any_capitalisation_of_the_email_works()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var tokens = await IdentityFlows.SignInAsync(_client, customer.Email.ToUpperInvariant(), customer.Password);

        Assert.Contains(("sub", customer.UserId.ToString()), IdentityFlows.ClaimsOf(tokens.AccessToken));
    }

    [Fact]
    public async Task Signing_in_with_a_wrong_password_answers_401_problem()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var wrong = await _client.PostAsJsonAsync("/api/v1/auth/token", new { email = customer.Email, password = "Not-the-password-1" });
        var unknown = await _client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@tests.local", password = "Not-the-password-1" });

        var problem = await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid credentials", problem.GetProperty("title").GetString());
        Assert.False(problem.TryGetProperty("accessToken", out _));
        var same = await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(problem.GetProperty("detail").GetString(), same.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Registering_a_taken_email_answers_exactly_as_a_new_one_and_notifies_the_owner()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var newEmail = $"FRESH-{Guid.NewGuid():N}@TESTS.LOCAL";

        var taken = await _client.PostAsJsonAsync("/api/v1/customers", new { email = customer.Email.ToUpperInvariant(), password = "Another-pass-1" });
        var fresh = await _client.PostAsJsonAsync("/api/v1/customers", new { email = newEmail, password = "Another-pass-1" });

        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        Assert.Equal(fresh.StatusCode, taken.StatusCode);
        Assert.Equal(Shape(await fresh.Content.ReadFromJsonAsync<JsonElement>()), Shape(await taken.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(fresh.Headers.Location, taken.Headers.Location);
        Assert.DoesNotContain(customer.UserId.ToString(), await taken.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        await IdentityFlows.SignInAsync(_client, customer.Email, customer.Password);
        var notice = typeof(Contracts.EmailAlreadyRegistered).FullName!;
        Assert.True(
            await host.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.Type.StartsWith(notice) && m.Payload.Contains(customer.Email))),
            "No EmailAlreadyRegistered notice was written for the owner of the taken email.");
        Assert.False(await host.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.Type.StartsWith(notice) && m.Payload.Contains(newEmail))));

        static string Shape(JsonElement body) => string.Join(",", body.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_make_exactly_one_account_and_answer_alike()
    {
        var email = $"race-{Guid.NewGuid():N}@tests.local";

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            host.CreateClient().PostAsJsonAsync("/api/v1/customers", new { email, password = $"Racing-pass-{i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var normalized = email.ToUpperInvariant();
        Assert.Equal(1, await host.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized)));
    }

    [Fact]
    public async Task Refreshing_rotates_the_refresh_token_and_issues_a_working_access_token()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var rotated = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);

        Assert.NotEqual(customer.RefreshToken, rotated.RefreshToken);
        Assert.Equal(43, rotated.RefreshToken.Length);
        var me = await host.CreateClient(rotated.AccessToken).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var again = await IdentityFlows.RefreshAsync(_client, rotated.RefreshToken);
        Assert.NotEqual(rotated.RefreshToken, again.RefreshToken);
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_the_whole_family()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var second = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);
        var newest = await IdentityFlows.RefreshAsync(_client, second.RefreshToken);

        var replay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = customer.RefreshToken });
        var afterReplay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = newest.RefreshToken });

        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await afterReplay.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var otherSession = await IdentityFlows.SignInAsync(_client, customer.Email, customer.Password);
        await IdentityFlows.RefreshAsync(_client, otherSession.RefreshToken);
    }

    [Fact]
    public async Task Two_tabs_refreshing_with_one_token_at_once_both_stay_signed_in()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            host.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = customer.RefreshToken })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            var pair = await response.Content.ReadFromJsonAsync<JsonElement>();
            var next = await IdentityFlows.RefreshAsync(_client, pair.GetProperty("refreshToken").GetString()!);
            Assert.Equal(HttpStatusCode.OK, (await host.CreateClient(next.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        }
    }

    [Fact]
    public async Task Within_the_grace_the_previous_token_is_forgiven_once_and_a_second_replay_ends_the_session()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var rotated = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);

        var firstReplay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = customer.RefreshToken });
        var secondReplay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = customer.RefreshToken });
        var legitimate = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken });

        Assert.Equal(HttpStatusCode.OK, firstReplay.StatusCode);
        await secondReplay.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await legitimate.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var forked = (await firstReplay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        await (await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = forked })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Replaying_the_previous_refresh_token_after_the_grace_ends_the_session()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var rotated = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);
        var spentHash = Marketplace.Identity.Tokens.SessionTokens.Hash(customer.RefreshToken);
        await host.QueryAsync(db => db.RefreshTokens.Where(t => t.TokenHash == spentHash)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SpentAt, DateTimeOffset.UtcNow.AddMinutes(-5))));

        var replay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = customer.RefreshToken });
        var afterReplay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken });

        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await afterReplay.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Within_the_grace_only_the_immediately_previous_token_gets_a_pair_and_an_older_one_ends_the_session()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var second = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);
        var third = await IdentityFlows.RefreshAsync(_client, second.RefreshToken);

        var replay = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.RefreshToken });
        var replayOfOlder = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = customer.RefreshToken });
        var newest = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = third.RefreshToken });

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await replayOfOlder.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await newest.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_refresh_token_answers_401_problem()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "bm90LWEtcmVhbC10b2tlbg" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logging_out_ends_the_session()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var rotated = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);

        var logout = await _client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = rotated.RefreshToken });
        var refresh = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_protected_endpoint_without_a_token_answers_401_problem()
    {
        var response = await _client.GetAsync("/api/v1/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task An_expired_access_token_is_refused()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var now = DateTimeOffset.UtcNow;
        var expired = IdentityHost.Forge(host.SigningKey, customer.UserId, now.AddHours(-2), now.AddHours(-1));

        var response = await host.CreateClient(expired).GetAsync("/api/v1/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var fresh = IdentityHost.Forge(host.SigningKey, customer.UserId, now.AddMinutes(-1), now.AddMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient(fresh).GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_tampered_access_token_is_refused(int part)
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var parts = customer.AccessToken.Split('.');
        if (part == 1)
        {
            // Grant admin in the payload and keep the original signature.
            var payload = Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
            parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal));
        }
        else
        {
            var index = part == 0 ? 2 : parts[part].Length / 2;
            var flipped = parts[part].ToCharArray();
            flipped[index] = flipped[index] == 'A' ? 'B' : 'A';
            parts[part] = new string(flipped);
        }

        var response = await host.CreateClient(string.Join('.', parts)).GetAsync("/api/v1/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        using var otherKey = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        var forged = IdentityHost.Forge(otherKey, customer.UserId, now.AddMinutes(-1), now.AddMinutes(5), "admin");

        var me = await host.CreateClient(forged).GetAsync("/api/v1/me");
        var roles = await host.CreateClient(forged).PutAsJsonAsync($"/api/v1/admin/users/{customer.UserId}/roles", new { roles = new[] { "admin" } });

        await me.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await roles.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_customer_cannot_set_staff_roles()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var response = await host.CreateClient(customer.AccessToken)
            .PutAsJsonAsync($"/api/v1/admin/users/{customer.UserId}/roles", new { roles = new[] { "admin" } });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        var me = await host.CreateClient(customer.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal(["customer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task An_admin_grants_marketing_which_appears_in_the_next_token()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(_client));
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var granted = await admin.PutAsJsonAsync($"/api/v1/admin/users/{customer.UserId}/roles", new { roles = new[] { "marketing" } });

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(["marketing"], (await granted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var refreshed = await IdentityFlows.RefreshAsync(_client, customer.RefreshToken);
        Assert.Contains(("role", "marketing"), IdentityFlows.ClaimsOf(refreshed.AccessToken));
        Assert.Contains(("role", "customer"), IdentityFlows.ClaimsOf(refreshed.AccessToken));

        var revoked = await admin.PutAsJsonAsync($"/api/v1/admin/users/{customer.UserId}/roles", new { roles = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var again = await IdentityFlows.RefreshAsync(_client, refreshed.RefreshToken);
        Assert.DoesNotContain(("role", "marketing"), IdentityFlows.ClaimsOf(again.AccessToken));
    }

    [Fact]
    public async Task Setting_an_unknown_staff_role_answers_400_naming_the_field()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(_client));
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var response = await admin.PutAsJsonAsync($"/api/v1/admin/users/{customer.UserId}/roles", new { roles = new[] { "superuser" } });

        await response.AssertValidationProblemAsync("roles");
    }

    [Theory]
    [InlineData("{\"email\": \"broken@tests.local\", \"password\": ", "$")]
    [InlineData("{\"email\": 42, \"password\": \"Long-enough-1\"}", "email")]
    [InlineData("{\"password\": \"Long-enough-1\"}", "email")]
    [InlineData("{\"email\": \"not-an-email\", \"password\": \"Long-enough-1\"}", "email")]
    [InlineData("{\"email\": \"{email}\", \"password\": \"short\"}", "password")]
    [InlineData("{\"email\": \"{email}\", \"password\": [\"Long-enough-1\"]}", "password")]
    public async Task Bad_registration_input_answers_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var email = $"bad-{Guid.NewGuid():N}@tests.local";
        using var content = new StringContent(body.Replace("{email}", email, StringComparison.Ordinal), Encoding.UTF8, "application/json");

        var response = await _client.PostAsync("/api/v1/customers", content);

        await response.AssertValidationProblemAsync(field);
        var normalized = email.ToUpperInvariant();
        Assert.Equal(0, await host.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized)));
    }

    [Fact]
    public async Task Unknown_fields_in_a_registration_are_ignored()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/customers", new { email = $"extra-{Guid.NewGuid():N}@tests.local", password = "Long-enough-1", nickname = "x" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Signing_in_without_a_password_answers_400_naming_the_field()
    {
        var response = await _client.PostAsJsonAsync("/api/v1/auth/token", new { email = "someone@tests.local" });

        await response.AssertValidationProblemAsync("password");
    }

    [Fact]
    public async Task The_bootstrap_admin_exists_once_and_is_an_admin()
    {
        var token = await IdentityFlows.AdminAccessTokenAsync(_client);

        Assert.Contains(("role", "admin"), IdentityFlows.ClaimsOf(token));
        var normalized = IdentityFlows.AdminEmail.ToUpperInvariant();
        Assert.Equal(1, await host.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == normalized)));
    }

    [Fact]
    public async Task The_bootstrap_admin_setting_does_not_promote_an_account_that_already_has_the_email()
    {
        var squatter = await IdentityFlows.RegisterCustomerAsync(_client);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Identity:BootstrapAdmin:Email"] = squatter.Email,
            ["Identity:BootstrapAdmin:Password"] = "Bootstrap-pass-1",
        }).Build();
        var bootstrap = new Staff.Bootstrap.BootstrapAdmin(
            host.Services.GetRequiredService<IServiceScopeFactory>(),
            configuration,
            host.Services.GetRequiredService<Accounts.Passwords>(),
            TimeProvider.System,
            NullLogger<Staff.Bootstrap.BootstrapAdmin>.Instance);

        await bootstrap.StartAsync(CancellationToken.None);

        var tokens = await IdentityFlows.SignInAsync(_client, squatter.Email, squatter.Password);
        Assert.DoesNotContain(("role", "admin"), IdentityFlows.ClaimsOf(tokens.AccessToken));
        Assert.False(await host.QueryAsync(db => db.StaffRoles.AnyAsync(r => r.UserId == squatter.UserId)));
        var withBootstrapPassword = await _client.PostAsJsonAsync("/api/v1/auth/token", new { email = squatter.Email, password = "Bootstrap-pass-1" });
        await withBootstrapPassword.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_and_account_responses_tell_caches_not_to_store_them()
    {
        var email = $"nostore-{Guid.NewGuid():N}@tests.local";
        var registered = await _client.PostAsJsonAsync("/api/v1/customers", new { email, password = IdentityFlows.Password });
        var signedIn = await _client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = IdentityFlows.Password });
        var pair = await signedIn.Content.ReadFromJsonAsync<JsonElement>();
        var refreshToken = pair.GetProperty("refreshToken").GetString();
        var accessToken = pair.GetProperty("accessToken").GetString()!;
        var refreshed = await _client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        var me = await host.CreateClient(accessToken).GetAsync("/api/v1/me");
        var invitations = await host.CreateClient(accessToken).GetAsync("/api/v1/me/invitations");
        var wrongPassword = await _client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "Wrong-pass-123" });

        foreach (var response in new[] { registered, signedIn, refreshed, me, invitations, wrongPassword })
        {
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage!.RequestUri} answered without Cache-Control: no-store");
        }
    }
}
