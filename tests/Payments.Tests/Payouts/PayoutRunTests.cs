using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>
/// Commission at capture and the payout run on the sandbox, on PostgreSQL: each seller is paid its order's share less
/// commission, once, after the protection window, when its account is ready; until then its balance accrues.
/// </summary>
public sealed class PayoutRunTests(PayoutsHost host) : IClassFixture<PayoutsHost>
{
    [Fact]
    public async Task The_capture_books_commission_per_line_category_with_the_sellers_own_rate_first_and_the_minimum_per_order()
    {
        var regular = Guid.NewGuid();
        var small = Guid.NewGuid();
        var group = await GroupOrders.PaidAsync(host, (regular, 30.00m), (PayoutsHost.VipSeller, 50.00m), (small, 3.00m));
        var other = Guid.NewGuid();
        await group.PublishAsync(
            group.Placed(group[0], (PayoutsHost.Books, 20.00m), (other, 8.00m)),
            group.Placed(group[1], (PayoutsHost.Books, 25.00m), (other, 25.00m)),
            group.Placed(group[2], (other, 3.00m)));
        await group.PublishAsync(group.Orders.Select(o => (object)group.Accepted(o)).ToArray());

        await group.SettledAsync(Contracts.PaymentStatus.Captured);

        // 5 % of 20.00 and 10 % of 8.00 (delivery pays none); 2 % of everything for the VIP; 10 % of 3.00 is below the 0.50 minimum.
        var transaction = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        var commission = transaction.Entries.Where(e => e.Reason == "commission").ToDictionary(e => e.OrderId!.Value, e => -e.Amount);
        Assert.Equal(new Dictionary<Guid, long> { [group[0].OrderId] = 180, [group[1].OrderId] = 100, [group[2].OrderId] = 50 }, commission);
        Assert.Equal(
            new Dictionary<Guid, long> { [regular] = 2820, [PayoutsHost.VipSeller] = 4900, [small] = 250 },
            await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId));
        Assert.Equal(-330, transaction.Entries.Where(e => e.AccountKind == LedgerAccountKind.PlatformRevenue).Sum(e => e.Amount));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task An_acceptance_that_overtakes_its_placement_leaves_the_capture_to_the_placement_whose_lines_the_commission_needs()
    {
        // Found by the lifecycle property test: events are consumed concurrently, so the acceptance can arrive first; the
        // capture then booked 10 % of the whole order, because only the placement carries the lines (5 % on books).
        var group = await GroupOrders.PaidAsync(host, (Guid.NewGuid(), 30.00m));
        await group.PublishAsync(group.Accepted(group[0]));
        await Eventually.ReadAsync(group.RecordedAsync, rows => rows.Any(r => r.Status == Marketplace.Payments.Escrow.EscrowOrderStatus.Accepted));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Marketplace.Payments.Escrow.EscrowCapture>().SettleAsync(group.Payment.OrderGroupId, dueNow: false, CancellationToken.None);
        }

        Assert.Equal(Contracts.PaymentStatus.Authorized, (await host.GetAsync(group.Payment.PaymentId))!.Status);

        await group.PublishAsync(group.Placed(group[0], (PayoutsHost.Books, 20.00m), (Guid.NewGuid(), 10.00m)));
        await group.SettledAsync(Contracts.PaymentStatus.Captured);

        var transaction = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        Assert.Equal(100 + 100, -transaction.Entries.Where(e => e.Reason == "commission").Sum(e => e.Amount));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_delivered_order_is_paid_only_once_the_protection_window_has_passed_and_the_sellers_payable_is_then_zero()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout Window Seller");
        var account = await Payouts.OnboardAsync(host, seller);
        Assert.True(account.GetProperty("ready").GetBoolean());
        // Delivered so that the window ends a few seconds from now (moving the clock would expire the sellers' tokens).
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 40.00m));
        await group.CapturedAsync(accepted: 1);
        var deliveredAt = host.Clock.GetUtcNow() - PayoutsHost.Window + TimeSpan.FromSeconds(8);
        await group.PublishAsync(group.Delivered(group[0], deliveredAt));
        await Eventually.ReadAsync(group.RecordedAsync, rows => rows.Single().DeliveredAt is not null);

        await Payouts.RunAsync(host);
        Assert.Empty(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.Equal(3600, await Payouts.BalanceAsync(host, seller));

        var paid = await Eventually.ReadAsync(
            async () =>
            {
                await Payouts.RunAsync(host);
                return await Payouts.PaidAsync(host, group[0].OrderId);
            },
            rows => rows.Count > 0);

        var payout = Assert.Single(paid);
        Assert.True(payout.PaidAt >= deliveredAt + PayoutsHost.Window, $"Paid at {payout.PaidAt:O}, before the window's end {deliveredAt + PayoutsHost.Window:O}.");
        Assert.Equal(3600, payout.AmountMinor);
        Assert.Equal(account.GetProperty("accountId").GetString(), payout.Destination);
        Assert.StartsWith("tr_sandbox_", payout.TransferReference, StringComparison.Ordinal);
        var booked = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == "payout");
        Assert.Equal($"payout:{group[0].OrderId}", booked.Key);
        Assert.Equal(3600, booked.Entries.Single(e => e.AccountKind == LedgerAccountKind.SellerPayable).Amount);
        Assert.Equal(-3600, booked.Entries.Single(e => e.Account == "provider:sandbox").Amount);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));

        // Later passes find nothing more to pay for it.
        await Payouts.RunAsync(host);
        Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_seller_without_a_payout_account_accrues_its_balance_and_is_paid_on_the_run_after_it_has_one()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout Accrual Seller");
        var first = await Payouts.DeliveredAsync(host, seller.SellerId, 10.00m, host.Clock.GetUtcNow() - PayoutsHost.Window * 2);
        var second = await Payouts.DeliveredAsync(host, seller.SellerId, 20.00m, host.Clock.GetUtcNow() - PayoutsHost.Window * 2);
        Assert.Equal(HttpStatusCode.NotFound, (await host.CreateClient(seller.MemberAccessToken).GetAsync($"/api/v1/sellers/{seller.SellerId}/payout-account")).StatusCode);

        await Payouts.RunAsync(host);
        Assert.Empty(await Payouts.PaidAsync(host, first[0].OrderId));
        Assert.Equal(900 + 1800, await Payouts.BalanceAsync(host, seller));

        await Payouts.OnboardAsync(host, seller);
        await Payouts.RunAsync(host);

        Assert.Equal(900, Assert.Single(await Payouts.PaidAsync(host, first[0].OrderId)).AmountMinor);
        Assert.Equal(1800, Assert.Single(await Payouts.PaidAsync(host, second[0].OrderId)).AmountMinor);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_payout_after_a_partial_refund_pays_the_share_less_commission_less_the_sellers_part_of_the_refund()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout After Refund Seller");
        await Payouts.OnboardAsync(host, seller);
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, 40.00m, host.Clock.GetUtcNow() - PayoutsHost.Window * 2);

        // 10 % commission on 40.00 is 4.00; a 10.00 refund gives back 1.00 of it, so the seller bears 9.00.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var refunded = await scope.ServiceProvider.GetRequiredService<Contracts.IPayments>()
                .RefundAsync(new Contracts.RefundPayment(Guid.NewGuid(), group[0].OrderId, Platform.Money.Of(10.00m, "EUR"), "Missing part"), CancellationToken.None);
            Assert.Equal(Contracts.RefundOutcome.Refunded, refunded.Outcome);
        }

        Assert.Equal(3600 - 900, await Payouts.BalanceAsync(host, seller));
        await Payouts.RunAsync(host);

        Assert.Equal(2700, Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Concurrent_payout_runs_pay_each_seller_order_once()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout Race Seller");
        await Payouts.OnboardAsync(host, seller);
        var groups = new List<GroupOrders>();
        for (var i = 0; i < 5; i++)
        {
            groups.Add(await Payouts.DeliveredAsync(host, seller.SellerId, 10.00m + i, host.Clock.GetUtcNow() - PayoutsHost.Window * 2));
        }

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Payouts.RunAsync(host))));

        Assert.True(runs.Sum(r => r.Paid) >= groups.Count, "Every payable order was paid by one of the runs.");
        foreach (var group in groups)
        {
            Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
            Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == "payout");
        }

        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_seller_reads_and_onboards_only_its_own_payout_account_and_only_an_admin_runs_payouts()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout Owner");
        var rival = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout Rival");
        var made = await Payouts.OnboardAsync(host, seller);
        Assert.Equal("https://sellers.example.com/payouts/done", made.GetProperty("onboardingUrl").GetString());
        Assert.Equal("sandbox", made.GetProperty("provider").GetString());

        var rivalClient = host.CreateClient(rival.MemberAccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.GetAsync($"/api/v1/sellers/{seller.SellerId}/payout-account")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.PostAsJsonAsync(
            $"/api/v1/sellers/{seller.SellerId}/payout-account", new { returnUrl = "https://evil.example.com", refreshUrl = "https://evil.example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rivalClient.PostAsync("/api/v1/admin/payouts/run", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.CreateClient().GetAsync($"/api/v1/sellers/{seller.SellerId}/payout-account")).StatusCode);

        var own = await host.CreateClient(seller.MemberAccessToken).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/payout-account");
        Assert.Equal(made.GetProperty("accountId").GetString(), own.GetProperty("accountId").GetString());
        Assert.True(own.GetProperty("ready").GetBoolean());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("onboardingUrl").ValueKind);

        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var run = await admin.PostAsync("/api/v1/admin/payouts/run", null);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.True((await run.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("paid", out _));
    }

    [Theory]
    [InlineData("returnUrl", "ftp://sellers.example.com/done")]
    [InlineData("refreshUrl", "")]
    [InlineData("country", "germany")]
    [InlineData("email", "not-an-address")]
    public async Task A_bad_onboarding_request_is_a_400_naming_the_field_and_makes_no_account(string field, string value)
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Payout Bad Input");
        var body = new Dictionary<string, string?>
        {
            ["returnUrl"] = "https://sellers.example.com/done",
            ["refreshUrl"] = "https://sellers.example.com/again",
            [field] = value,
        };

        var response = await host.CreateClient(seller.MemberAccessToken).PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/payout-account", body);

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(HttpStatusCode.NotFound, (await host.CreateClient(seller.MemberAccessToken).GetAsync($"/api/v1/sellers/{seller.SellerId}/payout-account")).StatusCode);
    }
}
