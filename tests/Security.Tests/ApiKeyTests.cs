using System.Net;
using System.Net.Http.Json;
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
    public async Task A_key_cannot_mint_list_revoke_or_add_members_beyond_reading_its_own_keys()
    {
        var key = host.KeyClient(host.A.ApiKey);

        var mint = await key.PostAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/api-keys", new { name = "more" });
        var revoke = await key.DeleteAsync($"/api/v1/sellers/{host.A.SellerId}/api-keys/{host.A.SpareKeyId}");
        var member = await key.PostAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/members", new { email = host.CustomerB.Email });

        foreach (var answer in new[] { mint, revoke, member })
        {
            Assert.True(answer.StatusCode == HttpStatusCode.Forbidden && answer.IsProblem(), await answer.DescribeAsync());
        }
    }
}
