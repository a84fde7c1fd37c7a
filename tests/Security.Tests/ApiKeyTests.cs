using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>A seller API key opens its seller's routes only while it stands, and never mints credentials.</summary>
[Collection(SecuritySuite.Name)]
public sealed class ApiKeyTests(SecurityHost host)
{
    [Fact]
    public async Task A_revoked_key_is_refused_with_401_problem_on_reads_and_writes()
    {
        var seller = await host.NewSellerWorldAsync("Revoking");
        var key = host.KeyClient(seller.ApiKey);
        await SecurityHost.Expect(await key.GetAsync($"/api/v1/sellers/{seller.SellerId}/offers"), HttpStatusCode.OK);

        var owner = host.CreateClient(seller.Owner.AccessToken);
        await SecurityHost.Expect(await owner.DeleteAsync($"/api/v1/sellers/{seller.SellerId}/api-keys/{seller.ApiKeyId}"), HttpStatusCode.NoContent);

        var read = await key.GetAsync($"/api/v1/sellers/{seller.SellerId}/offers");
        var write = await key.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{seller.SkuId}", new { price = 1.00m, currency = "EUR", stock = 0 });
        Assert.True(read.StatusCode == HttpStatusCode.Unauthorized && read.IsProblem(), await read.DescribeAsync());
        Assert.True(write.StatusCode == HttpStatusCode.Unauthorized && write.IsProblem(), await write.DescribeAsync());
        var offers = await SecurityHost.Expect(await owner.GetAsync($"/api/v1/sellers/{seller.SellerId}/offers"), HttpStatusCode.OK);
        Assert.Equal(100.00m, offers.GetProperty("items")[0].GetProperty("price").GetDecimal());
    }

    [Theory]
    [InlineData("a wrong secret")]
    [InlineData("a malformed key")]
    [InlineData("an unknown key id")]
    [InlineData("an empty header")]
    public async Task A_key_that_is_not_one_of_ours_is_refused_with_401_problem(string flaw)
    {
        var genuine = host.A.ApiKey;
        var key = flaw switch
        {
            "a wrong secret" => genuine[..^4] + (genuine.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"),
            "a malformed key" => "mk_' OR 1=1 --",
            "an unknown key id" => $"mk_{Guid.NewGuid():N}_{genuine.Split('_')[^1]}",
            _ => "",
        };

        var answer = await host.KeyClient(key).GetAsync($"/api/v1/sellers/{host.A.SellerId}/offers");

        Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized && answer.IsProblem(), await answer.DescribeAsync());
    }

    [Fact]
    public async Task A_key_cannot_mint_rotate_revoke_or_manage_the_team_beyond_reading_its_own_keys()
    {
        var key = host.KeyClient(host.A.ApiKey);
        var keys = $"/api/v1/sellers/{host.A.SellerId}/api-keys";
        var team = (await host.TeamOfAsync(host.A)).GetRawText();
        var before = await KeysAsync(host.A);

        var read = await key.GetAsync(keys);
        var refusals = new Dictionary<string, HttpResponseMessage>
        {
            ["mint"] = await key.PostAsJsonAsync(keys, new { name = "more" }),
            ["rotate"] = await key.PostAsync($"{keys}/{host.A.SpareKeyId}/rotate", null),
            ["revoke"] = await key.DeleteAsync($"{keys}/{host.A.SpareKeyId}"),
            ["invite"] = await key.PostAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/invitations", new { email = host.CustomerB.Email }),
            ["read the team"] = await key.GetAsync($"/api/v1/sellers/{host.A.SellerId}/members"),
            ["remove a member"] = await key.DeleteAsync($"/api/v1/sellers/{host.A.SellerId}/members/{host.A.Member.UserId}"),
            ["withdraw an invitation"] = await key.DeleteAsync($"/api/v1/sellers/{host.A.SellerId}/invitations/{host.A.InvitationToWithdraw}"),
        };

        Assert.True(read.StatusCode == HttpStatusCode.OK, await read.DescribeAsync());
        foreach (var (what, answer) in refusals)
        {
            Assert.True(answer.StatusCode == HttpStatusCode.Forbidden && answer.IsProblem(), $"{what}: {await answer.DescribeAsync()}");
        }

        Assert.Equal(before, await KeysAsync(host.A));
        Assert.Equal(team, (await host.TeamOfAsync(host.A)).GetRawText());
    }

    [Fact]
    public async Task A_key_used_after_its_seller_is_suspended_is_refused_with_401_problem_and_changes_nothing()
    {
        // A seller of its own: a suspension of a shared one would refuse the other tests' requests.
        var seller = await host.NewSellerWorldAsync("Suspended key");
        var key = host.KeyClient(seller.ApiKey);
        var offers = $"/api/v1/sellers/{seller.SellerId}/offers";
        await SecurityHost.Expect(await key.GetAsync(offers), HttpStatusCode.OK);
        var keys = await KeysAsync(seller);

        await host.SuspendAsync(seller.SellerId, "Counterfeit goods reported");
        var read = await key.GetAsync(offers);
        var write = await key.PutAsJsonAsync($"{offers}/{seller.SkuId}", new { price = 1.00m, currency = "EUR", stock = 0 });
        var mint = await key.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/api-keys", new { name = "escape" });
        var reinstate = await key.DeleteAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension");

        foreach (var answer in new[] { read, write, mint, reinstate })
        {
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized && answer.IsProblem(), await answer.DescribeAsync());
        }

        // Keys answer to the seller's standing at once (no cache), so after reinstatement the key reads what it left.
        await SecurityHost.Expect(await host.CreateClient(host.AdminToken).DeleteAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension"), HttpStatusCode.OK);
        var after = await SecurityHost.Expect(await key.GetAsync(offers), HttpStatusCode.OK);
        // The world's other offer is the one its seller-order cases were bought from.
        var offer = Assert.Single(after.GetProperty("items").EnumerateArray(), o => o.GetProperty("skuId").GetGuid() == seller.SkuId);
        Assert.Equal(100.00m, offer.GetProperty("price").GetDecimal());
        Assert.Equal(10, offer.GetProperty("stock").GetInt32());
        Assert.Equal(keys, await KeysAsync(key, seller.SellerId));
    }

    [Fact]
    public async Task A_member_token_issued_before_its_seller_is_suspended_stops_acting_for_it()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Suspended team");
        var owner = host.CreateClient(seller.MemberAccessToken);
        var keys = $"/api/v1/sellers/{seller.SellerId}/api-keys";
        var key = IdentityFlows.ClientWithApiKey(host, await IdentityFlows.CreateApiKeyAsync(owner, seller.SellerId));
        await SecurityHost.Expect(await owner.GetAsync(keys), HttpStatusCode.OK);

        await host.SuspendAsync(seller.SellerId, "Chargebacks under review");

        // The token still names the seller; a replica trusts what it read about memberships for
        // Identity:Sellers:MembershipCacheTtl (5 s by default), so poll well past it.
        var read = await Eventually.ReadAsync(() => owner.GetAsync(keys), r => r.StatusCode == HttpStatusCode.Forbidden, TimeSpan.FromSeconds(30));
        var mint = await owner.PostAsJsonAsync(keys, new { name = "escape" });
        var reinstate = await owner.DeleteAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension");

        foreach (var answer in new[] { read, mint, reinstate })
        {
            Assert.True(answer.StatusCode == HttpStatusCode.Forbidden && answer.IsProblem(), await answer.DescribeAsync());
        }

        var stillSuspended = await key.GetAsync(keys);
        Assert.True(stillSuspended.StatusCode == HttpStatusCode.Unauthorized && stillSuspended.IsProblem(), await stillSuspended.DescribeAsync());
        await SecurityHost.Expect(await host.CreateClient(host.AdminToken).DeleteAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension"), HttpStatusCode.OK);
        Assert.Single(await KeysAsync(key, seller.SellerId));
    }

    /// <summary>
    /// The seller's keys as its owner lists them, each with what a mint, rotation or revocation changes (not when it
    /// was last used, which the key's own reads stamp).
    /// </summary>
    private Task<List<string>> KeysAsync(SellerWorld seller) => KeysAsync(host.CreateClient(seller.Owner.AccessToken), seller.SellerId);

    private static async Task<List<string>> KeysAsync(HttpClient reader, Guid sellerId) =>
        (await SecurityHost.Expect(await reader.GetAsync($"/api/v1/sellers/{sellerId}/api-keys"), HttpStatusCode.OK))
        .EnumerateArray()
        .Select(k => $"{k.GetProperty("keyId")} expires {k.GetProperty("expiresAt")} revoked {k.GetProperty("revokedAt")} replaced by {k.GetProperty("replacedBy")}")
        .ToList();
}
