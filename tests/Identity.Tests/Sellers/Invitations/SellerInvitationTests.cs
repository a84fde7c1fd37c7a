using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Identity.Contracts;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Marketplace.Identity.Tests.Sellers.Invitations;

/// <summary>The Identity host with a small hourly invitation allowance per seller.</summary>
public sealed class InvitationHost : MarketplaceFactory
{
    public const int PerSellerPerHour = 3;

    public InvitationHost() => Settings["Identity:Invitations:PerSellerPerHour"] = PerSellerPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class SellerInvitationTests(InvitationHost host) : IClassFixture<InvitationHost>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task The_old_add_member_route_no_longer_makes_anyone_a_member()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Pushy Goods");
        var victim = await IdentityFlows.RegisterCustomerAsync(_client);

        var response = await Owner(seller).PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/members", new { email = victim.Email });

        Assert.False(response.IsSuccessStatusCode, $"POST .../members answered {(int)response.StatusCode}");
        Assert.DoesNotContain(victim.UserId.ToString(), await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.False(await host.QueryAsync(db => db.SellerMembers.AnyAsync(m => m.UserId == victim.UserId)));
    }

    [Fact]
    public async Task Inviting_a_registered_and_an_unregistered_email_answers_alike_and_makes_nobody_a_member()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Hiring Goods");
        var registered = await IdentityFlows.RegisterCustomerAsync(_client);
        var unregistered = $"ghost-{Guid.NewGuid():N}@tests.local";

        var toRegistered = await InviteAsync(seller, registered.Email);
        var toUnregistered = await InviteAsync(seller, unregistered);

        Assert.Equal(HttpStatusCode.Accepted, toRegistered.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, toUnregistered.StatusCode);
        Assert.Equal(Shape(await toUnregistered.Content.ReadFromJsonAsync<JsonElement>()), Shape(await toRegistered.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.DoesNotContain(registered.UserId.ToString(), await toRegistered.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.False(await host.QueryAsync(db => db.SellerMembers.AnyAsync(m => m.UserId == registered.UserId)));
        var team = await Owner(seller).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/members");
        Assert.Equal([seller.Owner.Email], team.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("email").GetString()));
        Assert.Equal(
            new[] { registered.Email, unregistered }.Order(),
            team.GetProperty("invitations").EnumerateArray().Select(i => i.GetProperty("email").GetString()!).Order());

        static string Shape(JsonElement body) => string.Join(",", body.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
    }

    [Fact]
    public async Task An_invitation_is_written_to_the_outbox_for_the_mailer()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Mailing Goods");
        var email = $"invitee-{Guid.NewGuid():N}@tests.local";

        var invitationId = (await (await InviteAsync(seller, email)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invitationId").GetGuid();

        var type = typeof(SellerInvitationCreated).FullName!;
        var payload = await host.QueryAsync(db => db.OutboxMessages.Where(m => m.Type.StartsWith(type) && m.Payload.Contains(invitationId.ToString())).Select(m => m.Payload).SingleAsync());
        var notice = JsonSerializer.Deserialize<SellerInvitationCreated>(payload, Web)!;
        Assert.Equal(new { seller.SellerId, Email = email, SellerName = "Mailing Goods" }, new { notice.SellerId, notice.Email, notice.SellerName });
    }

    [Fact]
    public async Task The_invitee_accepts_and_acts_for_the_seller_from_the_next_token()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Team Goods");
        var colleague = await IdentityFlows.RegisterCustomerAsync(_client);
        await InviteAsync(seller, colleague.Email.ToUpperInvariant());

        var mine = await host.CreateClient(colleague.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me/invitations");
        var invitation = Assert.Single(mine.EnumerateArray());
        Assert.Equal("Team Goods", invitation.GetProperty("sellerName").GetString());
        var accepted = await IdentityFlows.AcceptInvitationAsync(host, colleague.AccessToken, invitation.GetProperty("invitationId").GetGuid());

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("member", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
        var refreshed = await IdentityFlows.RefreshAsync(_client, colleague.RefreshToken);
        Assert.Contains(("seller_id", seller.SellerId.ToString()), IdentityFlows.ClaimsOf(refreshed.AccessToken));
        Assert.Empty((await host.CreateClient(refreshed.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me/invitations")).EnumerateArray());
        var team = await Owner(seller).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/members");
        Assert.Contains(team.GetProperty("members").EnumerateArray(), m => m.GetProperty("userId").GetGuid() == colleague.UserId && m.GetProperty("role").GetString() == "member");
        Assert.Empty(team.GetProperty("invitations").EnumerateArray());

        var byMember = await host.CreateClient(refreshed.AccessToken).PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/invitations", new { email = "friend@tests.local" });
        await byMember.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Nobody_else_can_see_accept_or_decline_an_invitation()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Private Goods");
        var invitee = await IdentityFlows.RegisterCustomerAsync(_client);
        var stranger = await IdentityFlows.RegisterCustomerAsync(_client);
        var invitationId = (await (await InviteAsync(seller, invitee.Email)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invitationId").GetGuid();

        var listed = await host.CreateClient(stranger.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me/invitations");
        var accept = await IdentityFlows.AcceptInvitationAsync(host, stranger.AccessToken, invitationId);
        var decline = await host.CreateClient(stranger.AccessToken).PostAsync($"/api/v1/me/invitations/{invitationId}/decline", null);
        var byOwner = await IdentityFlows.AcceptInvitationAsync(host, seller.MemberAccessToken, invitationId);

        Assert.Empty(listed.EnumerateArray());
        await accept.AssertProblemAsync(HttpStatusCode.NotFound);
        await decline.AssertProblemAsync(HttpStatusCode.NotFound);
        await byOwner.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await host.QueryAsync(db => db.SellerMembers.AnyAsync(m => m.UserId == stranger.UserId)));
        Assert.Single((await host.CreateClient(invitee.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me/invitations")).EnumerateArray());
    }

    [Fact]
    public async Task A_declined_withdrawn_or_expired_invitation_cannot_be_accepted()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Fickle Goods");
        var invitee = await IdentityFlows.RegisterCustomerAsync(_client);
        var declined = await InvitationIdAsync(seller, invitee.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await Invitee(invitee).PostAsync($"/api/v1/me/invitations/{declined}/decline", null)).StatusCode);
        await (await IdentityFlows.AcceptInvitationAsync(host, invitee.AccessToken, declined)).AssertProblemAsync(HttpStatusCode.NotFound);

        var withdrawn = await InvitationIdAsync(seller, invitee.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await Owner(seller).DeleteAsync($"/api/v1/sellers/{seller.SellerId}/invitations/{withdrawn}")).StatusCode);
        await (await IdentityFlows.AcceptInvitationAsync(host, invitee.AccessToken, withdrawn)).AssertProblemAsync(HttpStatusCode.NotFound);

        var expired = await InvitationIdAsync(seller, invitee.Email);
        await host.QueryAsync(db => db.SellerInvitations.Where(i => i.Id == expired).ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        Assert.Empty((await Invitee(invitee).GetFromJsonAsync<JsonElement>("/api/v1/me/invitations")).EnumerateArray());
        await (await IdentityFlows.AcceptInvitationAsync(host, invitee.AccessToken, expired)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.False(await host.QueryAsync(db => db.SellerMembers.AnyAsync(m => m.UserId == invitee.UserId)));
    }

    [Fact]
    public async Task Invitations_beyond_the_hourly_allowance_of_a_seller_answer_429()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Spammy Goods");
        var other = await IdentityFlows.CreateSellerAsync(_client, "Quiet Goods");

        for (var i = 0; i < InvitationHost.PerSellerPerHour; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await InviteAsync(seller, $"target-{i}-{Guid.NewGuid():N}@tests.local")).StatusCode);
        }

        var over = await InviteAsync(seller, $"target-over-{Guid.NewGuid():N}@tests.local");

        await over.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(over.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, (await InviteAsync(other, $"target-{Guid.NewGuid():N}@tests.local")).StatusCode);
    }

    [Fact]
    public async Task The_owner_removes_a_member_a_member_leaves_and_the_last_owner_stays()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Changing Goods");
        var first = await JoinAsync(seller);
        var second = await JoinAsync(seller);

        var byMember = await Invitee(first).DeleteAsync($"/api/v1/sellers/{seller.SellerId}/members/{second.UserId}");
        var removed = await Owner(seller).DeleteAsync($"/api/v1/sellers/{seller.SellerId}/members/{first.UserId}");
        var left = await Invitee(second).DeleteAsync($"/api/v1/sellers/{seller.SellerId}/members/{second.UserId}");
        var lastOwner = await Owner(seller).DeleteAsync($"/api/v1/sellers/{seller.SellerId}/members/{seller.Owner.UserId}");

        await byMember.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        await lastOwner.AssertProblemAsync(HttpStatusCode.Conflict);
        var refreshed = await IdentityFlows.RefreshAsync(_client, first.RefreshToken);
        Assert.DoesNotContain(IdentityFlows.ClaimsOf(refreshed.AccessToken), c => c.Type == "seller_id");
        var team = await Owner(seller).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/members");
        Assert.Equal([seller.Owner.UserId], team.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()));
    }

    [Fact]
    public async Task Strangers_and_api_keys_cannot_see_the_team()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Discreet Goods");
        var stranger = await IdentityFlows.RegisterCustomerAsync(_client);
        var key = await IdentityFlows.CreateApiKeyAsync(Owner(seller), seller.SellerId);

        var byStranger = await host.CreateClient(stranger.AccessToken).GetAsync($"/api/v1/sellers/{seller.SellerId}/members");
        var strangerInvites = await host.CreateClient(stranger.AccessToken).PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/invitations", new { email = stranger.Email });
        var byKey = await IdentityFlows.ClientWithApiKey(host, key).GetAsync($"/api/v1/sellers/{seller.SellerId}/members");

        await byStranger.AssertProblemAsync(HttpStatusCode.Forbidden);
        await strangerInvites.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(byKey.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
    }

    [Fact]
    public async Task Inviting_an_address_that_is_not_an_email_answers_400_naming_the_field()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Typo Goods");

        var response = await InviteAsync(seller, "not-an-email");

        await response.AssertValidationProblemAsync("email");
        Assert.False(await host.QueryAsync(db => db.SellerInvitations.AnyAsync(i => i.SellerId == seller.SellerId)));
    }

    private HttpClient Owner(SellerSession seller) => host.CreateClient(seller.MemberAccessToken);

    private HttpClient Invitee(CustomerSession customer) => host.CreateClient(customer.AccessToken);

    [Fact]
    public async Task Whoever_registers_an_invited_address_first_cannot_accept_without_the_mailed_code()
    {
        var seller = await IdentityFlows.CreateSellerAsync(_client, "Code Guarded");
        var squatter = await IdentityFlows.RegisterCustomerAsync(_client);
        var invitationId = await InvitationIdAsync(seller, squatter.Email);
        var invitee = host.CreateClient(squatter.AccessToken);

        var withoutCode = await invitee.PostAsJsonAsync($"/api/v1/me/invitations/{invitationId}/accept", new { code = "" });
        var guessed = await invitee.PostAsJsonAsync($"/api/v1/me/invitations/{invitationId}/accept", new { code = "guessed-code" });
        var noBody = await invitee.PostAsync($"/api/v1/me/invitations/{invitationId}/accept", null);

        await withoutCode.AssertValidationProblemAsync("code");
        await guessed.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True((int)noBody.StatusCode is >= 400 and < 500, $"No body answered {(int)noBody.StatusCode}.");
        var team = await Owner(seller).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/members");
        Assert.DoesNotContain(team.GetProperty("members").EnumerateArray(), m => m.GetProperty("userId").GetGuid() == squatter.UserId);
        Assert.Equal(HttpStatusCode.OK, (await IdentityFlows.AcceptInvitationAsync(host, squatter.AccessToken, invitationId)).StatusCode);
    }

    private Task<HttpResponseMessage> InviteAsync(SellerSession seller, string email) =>
        Owner(seller).PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/invitations", new { email });

    private async Task<Guid> InvitationIdAsync(SellerSession seller, string email)
    {
        var response = await InviteAsync(seller, email);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invitationId").GetGuid();
    }

    /// <summary>Registers a customer who is invited to the seller and accepts.</summary>
    private async Task<CustomerSession> JoinAsync(SellerSession seller)
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(_client);
        var invitationId = await InvitationIdAsync(seller, customer.Email);
        var accepted = await IdentityFlows.AcceptInvitationAsync(host, customer.AccessToken, invitationId);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        return customer;
    }
}
