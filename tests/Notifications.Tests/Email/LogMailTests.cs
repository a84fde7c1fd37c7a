using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Notifications.Tests.Email;

/// <summary>The embedded profile's mail: written to the log as "a mail with this subject went to this masked address", never with its body.</summary>
public sealed partial class LogMailTests(LoggedMailHost host) : IClassFixture<LoggedMailHost>
{
    [Fact]
    public async Task On_the_embedded_profile_an_invitation_is_logged_by_subject_and_masked_address_and_its_code_reaches_the_mail_only()
    {
        var owner = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Logged Sellers");
        var invitee = $"invitee-{Guid.NewGuid():N}@tests.local";

        var invited = await NotificationsHost.ExpectAsync(
            await host.CreateClient(owner.MemberAccessToken).PostAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/invitations", new { email = invitee }),
            HttpStatusCode.Accepted);
        var mail = (await Eventually.ReadAsync(() => Task.FromResult(host.Handed.Where(m => m.Recipient == invitee).ToList()), m => m.Count >= 1)).Single();
        var logged = await Eventually.ReadAsync(
            () => Task.FromResult(host.Logs.Lines.Where(l => l.Text.Contains(mail.Subject, StringComparison.Ordinal)).ToList()), l => l.Count >= 1);
        var code = InvitationCode().Match(mail.TextBody).Groups[1].Value;

        Assert.Equal("You are invited to sell with Logged Sellers", mail.Subject);
        Assert.Contains("i***@tests.local", Assert.Single(logged).Text, StringComparison.Ordinal);
        Assert.True(code.Length >= 8, $"The mail carries no invitation code: {mail.TextBody}");
        Assert.DoesNotContain(host.Logs.Lines, l => l.Text.Contains(code, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Category.StartsWith("Marketplace.Notifications", StringComparison.Ordinal) && l.Text.Contains(invitee, StringComparison.OrdinalIgnoreCase));

        // The code in the mail is the one that works.
        var client = host.CreateClient();
        await NotificationsHost.ExpectAsync(await client.PostAsJsonAsync("/api/v1/customers", new { email = invitee, password = IdentityFlows.Password }), HttpStatusCode.Accepted);
        var tokens = await IdentityFlows.SignInAsync(client, invitee, IdentityFlows.Password);
        var accepted = await host.CreateClient(tokens.AccessToken).PostAsJsonAsync(
            $"/api/v1/me/invitations/{invited.GetProperty("invitationId").GetGuid()}/accept", new { code });
        await NotificationsHost.ExpectAsync(accepted, HttpStatusCode.OK);
    }

    [Fact]
    public void The_embedded_profile_reports_the_log_adapter_for_email()
    {
        var email = host.Services.GetServices<ComponentAdapter>().Single(a => a.Component == "email");

        Assert.StartsWith("log", email.Adapter, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Invitation code: (\S+)")]
    private static partial Regex InvitationCode();
}
