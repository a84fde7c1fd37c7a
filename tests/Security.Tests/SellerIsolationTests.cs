using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Platform.Security;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// Broken object-level authorization, seller side: seller B, with its owner's token or its API key, names seller A's
/// ids on every documented seller route (A's keys, team and invitations included, and the invitee's routes that answer
/// A's invitations), and gets a 403 or 404 problem, never a 2xx, and A's data does not move.
/// </summary>
[Collection(SecuritySuite.Name)]
public sealed class SellerIsolationTests(SecurityHost host)
{
    [Fact]
    public async Task Every_documented_route_naming_a_seller_order_or_cart_has_a_cross_tenant_case()
    {
        var document = await host.DocumentAsync();
        var scoped = document.Operations.Where(o => o.PathParameters.Intersect(SellerRouteCases.OwnerScopedParameters).Any()).ToList();
        var uncovered = scoped
            .Where(o => SellerRouteCases.Find(o.OperationId) is null && !SellerRouteCases.Public.ContainsKey(o.OperationId)
                        && !SellerRouteCases.StaffOnly.ContainsKey(o.OperationId))
            .Select(o => $"{o}: add a case to SellerRouteCases (or, if it is public on purpose, to SellerRouteCases.Public with the reason)")
            .ToList();
        var stale = SellerRouteCases.Listed.Select(c => c.OperationId).Concat(SellerRouteCases.Public.Keys).Concat(SellerRouteCases.StaffOnly.Keys)
            .Where(id => scoped.All(o => o.OperationId != id))
            .Select(id => $"{id}: listed, but the document has no such operation naming an owner")
            .ToList();
        var notStaff = scoped
            .Where(o => SellerRouteCases.StaffOnly.ContainsKey(o.OperationId) && !StaffRoutes.Contains(o))
            .Select(o => $"{o}: listed as staff-only, but the staff-route test does not reach it; give it a case in SellerRouteCases")
            .ToList();

        Assert.True(scoped.Count >= 10, $"Only {scoped.Count} owner-scoped operations in the document; is it the right one?");
        Assert.True(
            uncovered.Count + stale.Count + notStaff.Count == 0,
            Answers.Report("Owner-scoped routes and their cases disagree", [.. uncovered, .. stale, .. notStaff]));
    }

    [Fact]
    public async Task A_seller_acting_on_its_own_resources_passes_every_case()
    {
        // The control: each case is a request the owner itself (or the invitee it addressed) succeeds with, so the
        // refusals below are authorization.
        // A seller of its own for each credential, because the cases change what they touch (an offer withdrawn, a
        // product at a new version).
        var outsider = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var byToken = await host.NewSellerWorldAsync("Control token");
        var byKey = await host.NewSellerWorldAsync("Control key");
        var violations = new List<string>();
        foreach (var (operation, route) in await OperationsAsync())
        {
            using var tokenRequest = await SellerRouteCases.RequestAsync(operation, route, new CaseContext(host, byToken, outsider.Email));
            var answer = await host.CreateClient().SendAsync(tokenRequest.WithBearer(route.Rightful(byToken).AccessToken));
            if (!answer.IsSuccessStatusCode)
            {
                violations.Add($"{operation} by the rightful caller's token: {await answer.DescribeAsync()}");
            }

            if (!route.PeopleOnly)
            {
                using var keyRequest = await SellerRouteCases.RequestAsync(operation, route, new CaseContext(host, byKey, outsider.Email));
                var keyed = await host.CreateClient().SendAsync(keyRequest.WithApiKey(byKey.ApiKey));
                if (!keyed.IsSuccessStatusCode)
                {
                    violations.Add($"{operation} by the seller's API key: {await keyed.DescribeAsync()}");
                }
            }
        }

        Assert.True(violations.Count == 0, Answers.Report("The seller's own requests must succeed", violations));
    }

    [Fact]
    public async Task Seller_B_owner_token_on_seller_A_routes_gets_403_or_404_and_changes_nothing() =>
        await AttackAsync("seller B's owner token", request => request.WithBearer(host.B.Owner.AccessToken));

    [Fact]
    public async Task Seller_B_api_key_on_seller_A_routes_gets_403_or_404_and_changes_nothing() =>
        await AttackAsync("seller B's API key", request => request.WithApiKey(host.B.ApiKey));

    [Fact]
    public async Task A_customer_token_with_no_seller_on_seller_A_routes_gets_403_or_404() =>
        await AttackAsync("a plain customer's token", request => request.WithBearer(host.CustomerB.AccessToken));

    [Fact]
    public async Task Seller_B_cannot_make_itself_a_member_of_seller_A()
    {
        var team = (await host.TeamOfAsync(host.A)).GetRawText();
        var b = host.CreateClient(host.B.Owner.AccessToken);

        var invite = await b.PostAsJsonAsync($"/api/v1/sellers/{host.A.SellerId}/invitations", new { email = host.B.Owner.Email });
        var accept = await IdentityFlows.AcceptInvitationAsync(host, host.B.Owner.AccessToken, host.A.ToAccept.InvitationId);
        var mine = await SecurityHost.Expect(await b.GetAsync("/api/v1/me/invitations"), HttpStatusCode.OK);

        Assert.True(invite.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound && invite.IsProblem(), await invite.DescribeAsync());
        Assert.True(accept.StatusCode == HttpStatusCode.NotFound && accept.IsProblem(), await accept.DescribeAsync());
        Assert.DoesNotContain(mine.EnumerateArray(), i => i.GetProperty("sellerId").GetGuid() == host.A.SellerId);
        Assert.Equal(team, (await host.TeamOfAsync(host.A)).GetRawText());
        var fresh = await IdentityFlows.SignInAsync(host.CreateClient(), host.B.Owner.Email, host.B.Owner.Password);
        Assert.DoesNotContain((MarketplaceClaims.Seller, host.A.SellerId.ToString()), IdentityFlows.ClaimsOf(fresh.AccessToken));
    }

    private async Task AttackAsync(string attacker, Func<HttpRequestMessage, HttpRequestMessage> authenticate)
    {
        var before = await SnapshotAsync(host.A);
        var context = new CaseContext(host, host.A, host.B.Owner.Email);
        var violations = new List<string>();
        foreach (var (operation, route) in await OperationsAsync())
        {
            using var request = authenticate(await SellerRouteCases.RequestAsync(operation, route, context));
            var answer = await host.CreateClient().SendAsync(request);
            if (answer.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound) || !answer.IsProblem())
            {
                violations.Add($"{operation} by {attacker}: {await answer.DescribeAsync()}");
            }
        }

        var after = await SnapshotAsync(host.A);
        foreach (var (what, value) in before)
        {
            if (after[what] != value)
            {
                violations.Add($"seller A's {what} changed:\n    before {value}\n    after  {after[what]}");
            }
        }

        Assert.True(violations.Count == 0, Answers.Report($"Seller A's routes must refuse {attacker}", violations));
    }

    private async Task<List<(ApiOperation Operation, SellerRouteCase Route)>> OperationsAsync() =>
        (await host.DocumentAsync()).Operations
            .Select(o => (Operation: o, Route: SellerRouteCases.Find(o.OperationId)))
            .Where(x => x.Route is not null)
            .Select(x => (x.Operation, x.Route!))
            .ToList();

    /// <summary>What seller A owns, as A and the storefront read it.</summary>
    private async Task<Dictionary<string, string>> SnapshotAsync(SellerWorld seller)
    {
        var anyone = host.CreateClient();
        var owner = host.CreateClient(seller.Owner.AccessToken);
        var keys = await SecurityHost.Expect(await owner.GetAsync($"/api/v1/sellers/{seller.SellerId}/api-keys"), HttpStatusCode.OK);
        var keyList = JsonNode.Parse(keys.GetRawText())!.AsArray();
        foreach (var key in keyList)
        {
            // Using a key stamps it; that is A's own use, not a change by B.
            key!.AsObject().Remove("lastUsedAt");
        }

        var webhooks = JsonNode.Parse((await SecurityHost.Expect(await owner.GetAsync($"/api/v1/sellers/{seller.SellerId}/webhooks"), HttpStatusCode.OK)).GetRawText())!.AsArray();
        foreach (var webhook in webhooks)
        {
            // The dispatcher's failed attempts to A's unreachable URL stamp this; that is the sender's, not B's, doing.
            webhook!.AsObject().Remove("failingSince");
        }

        return new Dictionary<string, string>
        {
            ["webhooks"] = webhooks.ToJsonString(),
            ["product"] = await anyone.GetStringAsync($"/api/v1/products/{seller.ProductId}"),
            ["second product"] = await anyone.GetStringAsync($"/api/v1/products/{seller.SecondProductId}"),
            ["links"] = await anyone.GetStringAsync($"/api/v1/products/{seller.ProductId}/links"),
            ["offers"] = (await SecurityHost.Expect(await owner.GetAsync($"/api/v1/sellers/{seller.SellerId}/offers"), HttpStatusCode.OK)).GetRawText(),
            ["API keys"] = keyList.ToJsonString(),

            // Members and open invitations: an invitation answered or withdrawn by another party disappears from it.
            ["team"] = (await host.TeamOfAsync(seller)).GetRawText(),
            ["API key works"] = (await IdentityFlows.ClientWithApiKey(host, seller.ApiKey).GetAsync($"/api/v1/sellers/{seller.SellerId}/offers")).StatusCode.ToString(),
        };
    }
}
