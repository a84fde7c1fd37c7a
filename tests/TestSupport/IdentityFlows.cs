using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit;

namespace Marketplace.TestSupport;

/// <summary>A customer account registered and signed in through the API.</summary>
public sealed record CustomerSession(Guid UserId, string Email, string Password, string AccessToken, string RefreshToken);

/// <summary>A seller created through the API, and its owner's token that already carries the <c>seller_id</c> claim.</summary>
public sealed record SellerSession(Guid SellerId, string MemberAccessToken, CustomerSession Owner);

/// <summary>A token pair as <c>POST /api/v1/auth/token</c> and <c>/refresh</c> return it.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken);

/// <summary>Sign-up, sign-in, sellers and API keys through the real endpoints, for every module's tests.</summary>
public static class IdentityFlows
{
    public const string Password = "Test-pass-123";
    public const string AdminEmail = "admin@tests.local";
    public const string AdminPassword = "Admin-pass-123";

    /// <summary>Registers a new customer with a unique email and signs it in.</summary>
    public static async Task<CustomerSession> RegisterCustomerAsync(HttpClient client)
    {
        var email = $"customer-{Guid.NewGuid():N}@tests.local";
        var registered = await client.PostAsJsonAsync("/api/v1/customers", new { email, password = Password });
        await EnsureAsync(registered, HttpStatusCode.Accepted);

        // Registration answers alike for new and taken emails, so the account's id comes from its first token.
        var tokens = await SignInAsync(client, email, Password);
        var userId = Guid.Parse(ClaimsOf(tokens.AccessToken).First(c => c.Type == "sub").Value);
        return new CustomerSession(userId, email, Password, tokens.AccessToken, tokens.RefreshToken);
    }

    public static async Task<TokenPair> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        await EnsureAsync(response, HttpStatusCode.OK);
        return await ReadTokensAsync(response);
    }

    public static async Task<TokenPair> RefreshAsync(HttpClient client, string refreshToken)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        await EnsureAsync(response, HttpStatusCode.OK);
        return await ReadTokensAsync(response);
    }

    /// <summary>
    /// Registers a new customer, has it create a seller, and refreshes its token so that the returned
    /// access token carries the new <c>seller_id</c> claim.
    /// </summary>
    public static async Task<SellerSession> CreateSellerAsync(HttpClient client, string name)
    {
        var owner = await RegisterCustomerAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sellers")
        {
            Content = JsonContent.Create(new { name, legalName = $"{name} Ltd", countryCode = "DE" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        var created = await client.SendAsync(request);
        await EnsureAsync(created, HttpStatusCode.Created);
        var sellerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sellerId").GetGuid();
        var tokens = await RefreshAsync(client, owner.RefreshToken);
        return new SellerSession(sellerId, tokens.AccessToken, owner with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken });
    }

    /// <summary>Creates an API key of the seller; <paramref name="memberClient"/> sends a member's bearer token.</summary>
    public static async Task<string> CreateApiKeyAsync(HttpClient memberClient, Guid sellerId)
    {
        var response = await memberClient.PostAsJsonAsync($"/api/v1/sellers/{sellerId}/api-keys", new { name = $"key-{Guid.NewGuid():N}"[..12] });
        await EnsureAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public static HttpClient ClientWithApiKey(MarketplaceFactory factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Makes the host create <see cref="AdminEmail"/> as an admin at start-up; call before the factory's first client.</summary>
    public static MarketplaceFactory WithBootstrapAdmin(this MarketplaceFactory factory)
    {
        factory.Settings["Identity:BootstrapAdmin:Email"] = AdminEmail;
        factory.Settings["Identity:BootstrapAdmin:Password"] = AdminPassword;
        return factory;
    }

    /// <summary>An admin's access token; the factory must have been set up with <see cref="WithBootstrapAdmin"/>.</summary>
    public static async Task<string> AdminAccessTokenAsync(HttpClient client) =>
        (await SignInAsync(client, AdminEmail, AdminPassword)).AccessToken;

    /// <summary>The claims an access token carries, read without checking its signature.</summary>
    public static IReadOnlyList<(string Type, string Value)> ClaimsOf(string accessToken) =>
        new JsonWebToken(accessToken).Claims.Select(c => (c.Type, c.Value)).ToList();

    private static async Task<TokenPair> ReadTokensAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TokenPair(body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// The code of an invitation, as the invitee finds it in the mail: read from the <c>SellerInvitationCreated</c> event in
    /// Identity's outbox, the only place it exists in clear (PostgreSQL profile).
    /// </summary>
    public static async Task<string> InvitationCodeAsync(MarketplaceFactory host, Guid invitationId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(host.PostgresConnectionString
            ?? throw new InvalidOperationException("Invitation codes are read from PostgreSQL; this host runs on the embedded profile."));
        await connection.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand(
            "SELECT payload FROM identity.outbox_messages WHERE type LIKE '%SellerInvitationCreated%' AND payload LIKE @id", connection);
        query.Parameters.AddWithValue("id", $"%{invitationId}%");
        var payload = (string?)await query.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No invitation mail for {invitationId}.");
        return JsonDocument.Parse(payload).RootElement.GetProperty("code").GetString()!;
    }

    /// <summary>Accepts an invitation as <paramref name="invitee"/> with the code from its mail.</summary>
    public static async Task<HttpResponseMessage> AcceptInvitationAsync(MarketplaceFactory host, string inviteeAccessToken, Guid invitationId) =>
        await host.CreateClient(inviteeAccessToken).PostAsJsonAsync(
            $"/api/v1/me/invitations/{invitationId}/accept", new { code = await InvitationCodeAsync(host, invitationId) });
}
