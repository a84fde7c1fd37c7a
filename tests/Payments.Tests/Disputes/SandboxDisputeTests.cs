using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Disputes;

/// <summary>The embedded profile (SQLite, in-memory bus, sandbox provider) with a bootstrap admin and no commission.</summary>
public sealed class EmbeddedDisputesHost : EmbeddedPaymentsHost
{
    public EmbeddedDisputesHost() => this.WithBootstrapAdmin();
}

/// <summary>The dispute flow on the embedded profile, played through the sandbox's admin routes, as a demo would.</summary>
public sealed class SandboxDisputeTests(EmbeddedDisputesHost host) : IClassFixture<EmbeddedDisputesHost>
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromDays(2);

    [Fact]
    public async Task On_the_embedded_profile_an_admin_opens_a_sandbox_dispute_that_freezes_the_payout_and_loses_it_for_the_seller_to_bear()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Sandbox Dispute Seller");
        await Payouts.Payouts.OnboardAsync(host, seller);
        var group = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 40.00m, host.Clock.GetUtcNow() - LongAgo);
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));

        var opened = await admin.PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { paymentId = group.Payment.PaymentId, amount = 10.00m, reason = "product_not_received" });

        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var dispute = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var id = dispute.GetProperty("id").GetString()!;
        Assert.Equal("Open", dispute.GetProperty("status").GetString());
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/disputes")).GetProperty("disputes").EnumerateArray(), d => d.GetProperty("id").GetString() == id);
        await Payouts.Payouts.RunAsync(host);
        Assert.Empty(await Payouts.Payouts.PaidAsync(host, group[0].OrderId));

        var closed = await admin.PostAsJsonAsync($"/api/v1/payments/sandbox/disputes/{id}/close", new { outcome = "Lost" });
        var again = await admin.PostAsJsonAsync($"/api/v1/payments/sandbox/disputes/{id}/close", new { outcome = "Lost" });
        var other = await admin.PostAsJsonAsync($"/api/v1/payments/sandbox/disputes/{id}/close", new { outcome = "Won" });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Lost", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await ProblemAssertions.AssertProblemAsync(other, HttpStatusCode.Conflict);
        Assert.Equal(3000, await Payouts.Payouts.BalanceAsync(host, seller));
        await Payouts.Payouts.RunAsync(host);
        Assert.Equal(3000, Assert.Single(await Payouts.Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Sandbox_dispute_routes_are_for_admins_and_bad_input_is_a_400_naming_the_field()
    {
        var group = await Escrow.GroupOrders.PaidAsync(host, 8.00m);
        await group.CapturedAsync(accepted: 1);
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Sandbox Dispute Outsider");
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { paymentId = group.Payment.PaymentId })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.CreateClient(seller.MemberAccessToken).PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { paymentId = group.Payment.PaymentId })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.CreateClient(seller.MemberAccessToken).GetAsync("/api/v1/admin/disputes")).StatusCode);
        await (await admin.PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { paymentId = group.Payment.PaymentId, amount = 8.01m })).AssertValidationProblemAsync("amount");
        await (await admin.PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { paymentId = group.Payment.PaymentId, reason = "Not A Code" })).AssertValidationProblemAsync("reason");
        await (await admin.PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { amount = 1.00m })).AssertValidationProblemAsync("paymentId");
        await ProblemAssertions.AssertProblemAsync(await admin.PostAsJsonAsync("/api/v1/payments/sandbox/disputes", new { paymentId = Guid.NewGuid() }), HttpStatusCode.NotFound);
        await ProblemAssertions.AssertProblemAsync(await admin.PostAsJsonAsync("/api/v1/payments/sandbox/disputes/dp_sandbox_unknown/close", new { outcome = "Won" }), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/disputes")).GetProperty("disputes").EnumerateArray(), d => d.GetProperty("paymentId").GetGuid() == group.Payment.PaymentId);
    }
}
