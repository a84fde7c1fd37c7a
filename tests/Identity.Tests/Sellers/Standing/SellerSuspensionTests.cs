using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Identity.Contracts;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Marketplace.Identity.Tests.Sellers.Standing;

public sealed class SellerSuspensionTests(IdentityHost host) : IClassFixture<IdentityHost>
{
    private readonly HttpClient _client = host.CreateClient();

    private async Task<HttpClient> AdminAsync() => host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(_client));

    [Fact]
    public async Task A_suspended_sellers_api_key_is_refused_at_once_and_its_members_token_stops_acting_for_it()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Suspended Goods");
        var owner = host.CreateClient(seller.MemberAccessToken);
        var key = IdentityFlows.ClientWithApiKey(host, await IdentityFlows.CreateApiKeyAsync(owner, seller.SellerId));
        var keys = $"/api/v1/sellers/{seller.SellerId}/api-keys";
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(keys)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(keys)).StatusCode);

        var suspended = await (await AdminAsync()).PutAsJsonAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension", new { reason = "Counterfeit goods reported" });

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        var standing = await suspended.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(standing.GetProperty("suspended").GetBoolean());
        Assert.Equal("Counterfeit goods reported", standing.GetProperty("reason").GetString());
        await (await key.GetAsync(keys)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await key.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers:bulk", Array.Empty<object>())).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // The owner's token was issued before the suspension and still names the seller; a replica trusts what it
        // read about memberships for Identity:Sellers:MembershipCacheTtl, so poll past it.
        var refused = await Eventually.ReadAsync(() => owner.GetAsync(keys), r => r.StatusCode == HttpStatusCode.Forbidden, TimeSpan.FromSeconds(30));
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        var refreshed = await IdentityFlows.RefreshAsync(_client, seller.Owner.RefreshToken);
        Assert.DoesNotContain(IdentityFlows.ClaimsOf(refreshed.AccessToken), c => c.Type == "seller_id");
        await (await host.CreateClient(refreshed.AccessToken).PostAsJsonAsync(keys, new { name = "during-suspension" })).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Reinstating_a_seller_lets_its_key_and_its_members_next_token_act_for_it_again()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Back Again");
        var owner = host.CreateClient(seller.MemberAccessToken);
        var key = IdentityFlows.ClientWithApiKey(host, await IdentityFlows.CreateApiKeyAsync(owner, seller.SellerId));
        var admin = await AdminAsync();
        var keys = $"/api/v1/sellers/{seller.SellerId}/api-keys";
        (await admin.PutAsJsonAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension", new { reason = "Review" })).EnsureSuccessStatusCode();
        var during = await IdentityFlows.RefreshAsync(_client, seller.Owner.RefreshToken);

        var reinstated = await admin.DeleteAsync($"/api/v1/admin/sellers/{seller.SellerId}/suspension");

        Assert.Equal(HttpStatusCode.OK, reinstated.StatusCode);
        Assert.False((await reinstated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(keys)).StatusCode);
        var after = await IdentityFlows.RefreshAsync(_client, during.RefreshToken);
        Assert.Contains(("seller_id", seller.SellerId.ToString()), IdentityFlows.ClaimsOf(after.AccessToken));
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient(after.AccessToken).GetAsync(keys)).StatusCode);
    }

    [Fact]
    public async Task Suspending_twice_publishes_one_event_and_keeps_the_first_reason()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Twice Suspended");
        var admin = await AdminAsync();
        var url = $"/api/v1/admin/sellers/{seller.SellerId}/suspension";

        var answers = await Task.WhenAll(
            admin.PutAsJsonAsync(url, new { reason = "First" }),
            admin.PutAsJsonAsync(url, new { reason = "Second" }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var reasons = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString()));
        Assert.Single(reasons.Distinct());
        var type = typeof(SellerSuspended).FullName!;
        Assert.Equal(1, await host.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type.StartsWith(type) && m.Payload.Contains(seller.SellerId.ToString()))));
    }

    [Fact]
    public async Task Only_an_admin_suspends_with_a_reason_and_an_unknown_seller_is_404()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Self Suspender");
        var url = $"/api/v1/admin/sellers/{seller.SellerId}/suspension";
        var admin = await AdminAsync();

        await (await host.CreateClient(seller.MemberAccessToken).PutAsJsonAsync(url, new { reason = "Mine" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await _client.PutAsJsonAsync(url, new { reason = "Anyone" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await admin.PutAsJsonAsync(url, new { reason = "" })).AssertValidationProblemAsync("reason");
        await (await admin.PutAsJsonAsync(url, new { reason = new string('x', 501) })).AssertValidationProblemAsync("reason");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/v1/admin/sellers/{Guid.NewGuid()}/suspension", new { reason = "Ghost" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient(seller.MemberAccessToken).GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys")).StatusCode);
    }
}
