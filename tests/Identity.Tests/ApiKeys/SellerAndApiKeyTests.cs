using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Identity.Contracts;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Marketplace.Identity.Tests.ApiKeys;

public sealed class SellerAndApiKeyTests(IdentityHost host) : IClassFixture<IdentityHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task Creating_a_seller_makes_the_caller_its_owner_from_the_next_token()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Acme Parts");

        Assert.Contains(("seller_id", seller.SellerId.ToString()), IdentityFlows.ClaimsOf(seller.MemberAccessToken));
        var me = await host.CreateClient(seller.MemberAccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me");
        var membership = Assert.Single(me.GetProperty("sellers").EnumerateArray());
        Assert.Equal(seller.SellerId, membership.GetProperty("sellerId").GetGuid());
        Assert.Equal("owner", membership.GetProperty("role").GetString());
        var profile = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}");
        Assert.Equal("Acme Parts", profile.GetProperty("name").GetString());
        Assert.False(profile.TryGetProperty("legalName", out _));
    }

    [Fact]
    public async Task Creating_a_seller_publishes_SellerRegistered_through_the_outbox()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Outbox Goods");
        var type = typeof(SellerRegistered).FullName!;

        var deadline = DateTime.UtcNow.AddSeconds(10);
        var published = false;
        while (!published && DateTime.UtcNow < deadline)
        {
            published = await host.QueryAsync(db => db.OutboxMessages.AnyAsync(m =>
                m.Type.StartsWith(type) && m.Payload.Contains(seller.SellerId.ToString()) && m.PublishedAt != null));
            await Task.Delay(100);
        }

        Assert.True(published, "The SellerRegistered event was not relayed to the broker.");
    }

    [Fact]
    public async Task The_openapi_document_describes_every_identity_endpoint()
    {
        var document = await _client.GetStringAsync("/swagger/v1/swagger.json");

        foreach (var operation in new[] { "IssueToken", "RefreshToken", "Logout", "RegisterCustomer", "GetMe", "CreateSeller", "GetSeller", "InviteSellerMember", "WithdrawInvitation",
                     "ListSellerMembers", "RemoveSellerMember", "ListMyInvitations", "AcceptInvitation", "DeclineInvitation", "CreateApiKey", "ListApiKeys",
                     "RotateApiKey", "RevokeApiKey", "SetStaffRoles", "SuspendSeller", "ReinstateSeller" })
        {
            Assert.Contains($"\"operationId\": \"{operation}\"", document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_seller_answers_404_problem()
    {
        var response = await _client.GetAsync($"/api/v1/sellers/{Guid.NewGuid()}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Creating_a_seller_without_a_name_answers_400_naming_the_field()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);

        var response = await host.CreateClient(customer.AccessToken).PostAsJsonAsync("/api/v1/sellers", new { legalName = "Nameless Ltd", countryCode = "DE" });

        await response.AssertValidationProblemAsync("name");
    }

    [Fact]
    public async Task Api_keys_are_created_listed_without_secret_and_revoked()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Keyed Goods");
        var member = host.CreateClient(seller.MemberAccessToken);

        var key = await IdentityFlows.CreateApiKeyAsync(member, seller.SellerId);
        var byKey = IdentityFlows.ClientWithApiKey(host, key);
        var listed = await byKey.GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys");

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var listing = await listed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(key, listing, StringComparison.Ordinal);
        var summary = Assert.Single(JsonDocument.Parse(listing).RootElement.EnumerateArray());
        var keyId = summary.GetProperty("keyId").GetGuid();
        Assert.StartsWith(summary.GetProperty("displayPrefix").GetString()!, key, StringComparison.Ordinal);
        Assert.Equal($"mk_{keyId:N}_", key[..36]);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("revokedAt").ValueKind);
        var lastUsed = await host.QueryAsync(db => db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.LastUsedAt).SingleAsync());
        Assert.NotNull(lastUsed);

        var revoked = await member.DeleteAsync($"/api/v1/sellers/{seller.SellerId}/api-keys/{keyId}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var refused = await byKey.GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var afterwards = await member.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/api-keys");
        Assert.NotEqual(JsonValueKind.Null, Assert.Single(afterwards.EnumerateArray()).GetProperty("revokedAt").ValueKind);
    }

    [Theory]
    [InlineData("mk_not-a-key")]
    [InlineData("mk_0123456789abcdef0123456789abcdef_wrongsecret")]
    [InlineData("Bearer something")]
    public async Task A_malformed_or_unknown_api_key_answers_401_problem(string key)
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Guarded Goods");

        var response = await IdentityFlows.ClientWithApiKey(host, key).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_with_a_wrong_secret_for_a_real_key_id_answers_401_problem()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Secretive Goods");
        var key = await IdentityFlows.CreateApiKeyAsync(host.CreateClient(seller.MemberAccessToken), seller.SellerId);
        var wrong = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var response = await IdentityFlows.ClientWithApiKey(host, wrong).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_member_of_one_seller_cannot_manage_another_sellers_keys()
    {
        var sellerA = await IdentityFlows.CreateSellerAsync(_client, "Seller A");
        var sellerB = await IdentityFlows.CreateSellerAsync(_client, "Seller B");
        var memberA = host.CreateClient(sellerA.MemberAccessToken);
        var memberB = host.CreateClient(sellerB.MemberAccessToken);
        await IdentityFlows.CreateApiKeyAsync(memberB, sellerB.SellerId);
        var keyOfB = (await memberB.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{sellerB.SellerId}/api-keys"))[0].GetProperty("keyId").GetGuid();

        var create = await memberA.PostAsJsonAsync($"/api/v1/sellers/{sellerB.SellerId}/api-keys", new { name = "intruder" });
        var list = await memberA.GetAsync($"/api/v1/sellers/{sellerB.SellerId}/api-keys");
        var revokeByRoute = await memberA.DeleteAsync($"/api/v1/sellers/{sellerB.SellerId}/api-keys/{keyOfB}");
        var revokeThroughOwnRoute = await memberA.DeleteAsync($"/api/v1/sellers/{sellerA.SellerId}/api-keys/{keyOfB}");

        await create.AssertProblemAsync(HttpStatusCode.Forbidden);
        await list.AssertProblemAsync(HttpStatusCode.Forbidden);
        await revokeByRoute.AssertProblemAsync(HttpStatusCode.Forbidden);
        await revokeThroughOwnRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        var stillActive = await memberB.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{sellerB.SellerId}/api-keys");
        Assert.Equal(JsonValueKind.Null, stillActive[0].GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task An_api_key_cannot_mint_further_keys()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Careful Goods");
        var key = await IdentityFlows.CreateApiKeyAsync(host.CreateClient(seller.MemberAccessToken), seller.SellerId);

        var response = await IdentityFlows.ClientWithApiKey(host, key).PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/api-keys", new { name = "spawned" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_api_key_with_an_expiry_works_until_then_and_is_refused_after()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Expiring Goods");
        var member = host.CreateClient(seller.MemberAccessToken);
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);

        var created = await member.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/api-keys", new { name = "erp", expiresAt });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var keyId = body.GetProperty("keyId").GetGuid();
        var byKey = IdentityFlows.ClientWithApiKey(host, body.GetProperty("key").GetString()!);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), body.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.OK, (await byKey.GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys")).StatusCode);
        await host.QueryAsync(db => db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var refused = await byKey.GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(731)]
    public async Task An_api_key_expiry_in_the_past_or_beyond_the_longest_lifetime_answers_400_naming_the_field(int days)
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Careless Goods");

        var response = await host.CreateClient(seller.MemberAccessToken)
            .PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/api-keys", new { name = "erp", expiresAt = DateTimeOffset.UtcNow.AddDays(days) });

        await response.AssertValidationProblemAsync("expiresAt");
        Assert.Equal(0, await host.QueryAsync(db => db.ApiKeys.CountAsync(k => k.SellerId == seller.SellerId)));
    }

    [Fact]
    public async Task Rotating_a_key_returns_a_new_one_and_the_old_one_works_only_through_the_grace_period()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Rotating Goods");
        var member = host.CreateClient(seller.MemberAccessToken);
        var oldKey = await IdentityFlows.CreateApiKeyAsync(member, seller.SellerId);
        var oldKeyId = Guid.ParseExact(oldKey[3..35], "N");

        var rotated = await member.PostAsync($"/api/v1/sellers/{seller.SellerId}/api-keys/{oldKeyId}/rotate", null);

        Assert.Equal(HttpStatusCode.Created, rotated.StatusCode);
        var body = await rotated.Content.ReadFromJsonAsync<JsonElement>();
        var newKey = body.GetProperty("key").GetProperty("key").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(oldKeyId, body.GetProperty("previousKeyId").GetGuid());
        Assert.InRange(body.GetProperty("previousKeyExpiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        Assert.Equal(HttpStatusCode.OK, (await IdentityFlows.ClientWithApiKey(host, newKey).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await IdentityFlows.ClientWithApiKey(host, oldKey).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys")).StatusCode);
        var listed = await member.GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/api-keys");
        Assert.Equal(body.GetProperty("key").GetProperty("keyId").GetGuid(), listed.EnumerateArray().Single(k => k.GetProperty("keyId").GetGuid() == oldKeyId).GetProperty("replacedBy").GetGuid());

        await host.QueryAsync(db => db.ApiKeys.Where(k => k.Id == oldKeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        await (await IdentityFlows.ClientWithApiKey(host, oldKey).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await IdentityFlows.ClientWithApiKey(host, newKey).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys")).StatusCode);
        await (await member.PostAsync($"/api/v1/sellers/{seller.SellerId}/api-keys/{oldKeyId}/rotate", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Concurrent_rotations_of_one_key_make_exactly_one_successor()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Racing Keys");
        var key = await IdentityFlows.CreateApiKeyAsync(host.CreateClient(seller.MemberAccessToken), seller.SellerId);
        var keyId = Guid.ParseExact(key[3..35], "N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            host.CreateClient(seller.MemberAccessToken).PostAsync($"/api/v1/sellers/{seller.SellerId}/api-keys/{keyId}/rotate", null)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(2, await host.QueryAsync(db => db.ApiKeys.CountAsync(k => k.SellerId == seller.SellerId)));
    }

    [Fact]
    public async Task An_api_key_cannot_rotate_keys()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Guarded Rotation");
        var key = await IdentityFlows.CreateApiKeyAsync(host.CreateClient(seller.MemberAccessToken), seller.SellerId);
        var keyId = Guid.ParseExact(key[3..35], "N");

        var response = await IdentityFlows.ClientWithApiKey(host, key).PostAsync($"/api/v1/sellers/{seller.SellerId}/api-keys/{keyId}/rotate", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
