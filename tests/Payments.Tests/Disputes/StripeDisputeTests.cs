using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Disputes;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Payments.Tests.Payouts;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Payments.Webhooks.Stripe;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Disputes;

/// <summary>The Stripe host with a bootstrap admin and the commission rules of <see cref="PayoutsHost"/> (10 %, at least 0.50 EUR per order).</summary>
public sealed class StripeDisputesHost : StripeHost
{
    public StripeDisputesHost()
    {
        this.WithBootstrapAdmin();
        Rules.Write("payouts", PayoutsHost.CommissionRules);
    }
}

/// <summary>
/// Disputes of a checkout's charge against the Stripe double, through the real webhook: an open dispute freezes the
/// payouts of the group's seller orders not paid out yet, a won one releases them, a lost one is booked and charged to
/// the orders in proportion; the same event thrice or events in reverse order end where Stripe says the dispute is.
/// </summary>
public sealed class StripeDisputeTests(StripeDisputesHost host) : IClassFixture<StripeDisputesHost>
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromDays(2);

    [Fact]
    public async Task An_open_dispute_freezes_the_groups_payouts_and_admins_see_it_and_once_won_the_seller_is_paid_in_full()
    {
        var (seller, account) = await ReadySellerAsync("Dispute Won Seller");
        var group = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 25.00m, host.Clock.GetUtcNow() - LongAgo);
        var dispute = host.Stripe.OpenDispute(host.IntentOf(group.Payment.PaymentId));

        Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.created", dispute))).StatusCode);
        await Payouts.Payouts.RunAsync(host);

        Assert.Empty(await Payouts.Payouts.PaidAsync(host, group[0].OrderId));
        Assert.DoesNotContain(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        var listed = await OpenDisputesAsync();
        var shown = Assert.Single(listed, d => d.GetProperty("id").GetString() == dispute);
        Assert.Equal(group.Payment.OrderGroupId, shown.GetProperty("orderGroupId").GetGuid());
        Assert.Equal(25.00m, shown.GetProperty("amount").GetDecimal());
        Assert.Equal("Open", shown.GetProperty("status").GetString());

        // Evidence submitted: still open, still frozen.
        host.Stripe.UpdateDispute(dispute, "under_review");
        await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.updated", dispute));
        await Payouts.Payouts.RunAsync(host);
        Assert.Empty(await Payouts.Payouts.PaidAsync(host, group[0].OrderId));

        host.Stripe.CloseDispute(dispute, won: true);
        await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.closed", dispute));
        await Payouts.Payouts.RunAsync(host);

        Assert.Equal(DisputeStatus.Won, (await DisputeAsync(dispute)).Status);
        Assert.DoesNotContain(await OpenDisputesAsync(), d => d.GetProperty("id").GetString() == dispute);
        Assert.Equal(2250, Assert.Single(await Payouts.Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        Assert.Equal(2250, Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account)["amount"]!.GetValue<long>());

        // The withdrawal and the reinstatement cancel out; Stripe's fee stays the platform's cost.
        var booked = (await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId)).Where(t => t.Kind == DisputeBooking.Kind).ToList();
        Assert.Equal(2, booked.Count);
        Assert.Equal(0, booked.SelectMany(t => t.Entries).Where(e => e.AccountKind == LedgerAccountKind.DisputedFunds).Sum(e => e.Amount));
        Assert.Equal(StripeDoubleFee, booked.SelectMany(t => t.Entries).Where(e => e.AccountKind == LedgerAccountKind.PlatformRevenue).Sum(e => e.Amount));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_lost_dispute_is_booked_charged_to_the_groups_orders_in_proportion_and_reduces_what_each_seller_is_paid()
    {
        var (first, _) = await ReadySellerAsync("Dispute Lost Seller A");
        var (second, _) = await ReadySellerAsync("Dispute Lost Seller B");
        var group = await GroupOrders.PaidAsync(host, (first.SellerId, 30.00m), (second.SellerId, 10.00m));
        await group.CapturedAsync(accepted: 2);
        await group.PublishAsync(group.Delivered(group[0], host.Clock.GetUtcNow() - LongAgo), group.Delivered(group[1], host.Clock.GetUtcNow() - LongAgo));
        await Eventually.ReadAsync(group.RecordedAsync, rows => rows.All(r => r.DeliveredAt is not null));
        var dispute = host.Stripe.OpenDispute(host.IntentOf(group.Payment.PaymentId), amount: 2000, reason: "product_not_received");
        await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.created", dispute));

        await Payouts.Payouts.RunAsync(host);
        Assert.Empty(await Payouts.Payouts.PaidAsync(host, group[0].OrderId));
        Assert.Empty(await Payouts.Payouts.PaidAsync(host, group[1].OrderId));

        host.Stripe.CloseDispute(dispute, won: false);
        await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.closed", dispute));

        // 20.00 split 3:1 by what is left of each share: 15.00 and 5.00; each gives back its 10 % commission in proportion.
        var lost = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Key == DisputeBooking.LostKeyOf(dispute));
        Assert.Equal(-2000, lost.Entries.Where(e => e.AccountKind == LedgerAccountKind.DisputedFunds).Sum(e => e.Amount));
        Assert.Equal(1500 - 150, lost.Entries.Single(e => e.SellerId == first.SellerId).Amount);
        Assert.Equal(500 - 50, lost.Entries.Single(e => e.SellerId == second.SellerId).Amount);
        Assert.Equal(3000 - 300 - 1350, await Payouts.Payouts.BalanceAsync(host, first));
        Assert.Equal(1000 - 100 - 450, await Payouts.Payouts.BalanceAsync(host, second));

        await Payouts.Payouts.RunAsync(host);

        Assert.Equal(1350, Assert.Single(await Payouts.Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        Assert.Equal(450, Assert.Single(await Payouts.Payouts.PaidAsync(host, group[1].OrderId)).AmountMinor);
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, first));
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, second));
        var withdrawal = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Key.StartsWith("dispute-movement:", StringComparison.Ordinal));
        Assert.Equal(-2000 - StripeDoubleFee, withdrawal.Entries.Where(e => e.AccountKind == LedgerAccountKind.ProviderBalance).Sum(e => e.Amount));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_dispute_lost_after_the_payout_is_carried_on_the_sellers_balance_and_taken_off_its_next_payout()
    {
        var (seller, account) = await ReadySellerAsync("Dispute After Payout Seller");
        var paidFirst = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 20.00m, host.Clock.GetUtcNow() - LongAgo);
        await Payouts.Payouts.RunAsync(host);
        Assert.Equal(1800, Assert.Single(await Payouts.Payouts.PaidAsync(host, paidFirst[0].OrderId)).AmountMinor);

        var dispute = host.Stripe.OpenDispute(host.IntentOf(paidFirst.Payment.PaymentId));
        host.Stripe.CloseDispute(dispute, won: false);
        await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.closed", dispute));

        // The seller owes the 18.00 it was paid for goods the customer got back (its commission is given back).
        Assert.Equal(-1800, await Payouts.Payouts.BalanceAsync(host, seller));

        var next = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 50.00m, host.Clock.GetUtcNow() - LongAgo);
        await Payouts.Payouts.RunAsync(host);

        Assert.Equal(4500 - 1800, Assert.Single(await Payouts.Payouts.PaidAsync(host, next[0].OrderId)).AmountMinor);
        Assert.Equal([1800L, 2700L], host.Stripe.Transfers.Where(t => t["destination"]!.GetValue<string>() == account).Select(t => t["amount"]!.GetValue<long>()).ToList());
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_debt_is_taken_off_the_very_next_payout_even_when_the_seller_has_other_orders_unpaid_and_is_taken_once()
    {
        // Before, a payout was netted only against the seller's whole balance, which the other unpaid orders' credits
        // kept above it: both were paid in full and the debt waited for a later order.
        var (seller, account) = await ReadySellerAsync("Dispute Debt Two Orders Seller");
        var paidFirst = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 20.00m, host.Clock.GetUtcNow() - LongAgo);
        await Payouts.Payouts.RunAsync(host);
        var dispute = host.Stripe.OpenDispute(host.IntentOf(paidFirst.Payment.PaymentId));
        host.Stripe.CloseDispute(dispute, won: false);
        await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.closed", dispute));
        Assert.Equal(-1800, await Payouts.Payouts.BalanceAsync(host, seller));

        var first = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 50.00m, host.Clock.GetUtcNow() - LongAgo - TimeSpan.FromMinutes(1));
        var second = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 30.00m, host.Clock.GetUtcNow() - LongAgo);
        await Payouts.Payouts.RunAsync(host);
        // Whichever of the two the run paid first carried the whole debt off; the other was paid in full.
        var paid = (Assert.Single(await Payouts.Payouts.PaidAsync(host, first[0].OrderId)).AmountMinor, Assert.Single(await Payouts.Payouts.PaidAsync(host, second[0].OrderId)).AmountMinor);
        Assert.True(paid == (4500 - 1800, 2700) || paid == (4500, 2700 - 1800), $"Paid {paid}: one of the two should carry the 1,800 debt off.");
        Assert.Equal(1800 + 4500 + 2700 - 1800, host.Stripe.Transfers.Where(t => t["destination"]!.GetValue<string>() == account).Sum(t => t["amount"]!.GetValue<long>()));
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task The_same_dispute_event_three_times_makes_one_transition_one_booking_and_one_inbox_record()
    {
        var group = await Payouts.Payouts.DeliveredAsync(host, Guid.NewGuid(), 12.00m, host.Clock.GetUtcNow() - LongAgo);
        var dispute = host.Stripe.OpenDispute(host.IntentOf(group.Payment.PaymentId));
        var created = host.Stripe.DisputeEvent("charge.dispute.created", dispute);
        var inboxBefore = await InboxRecordsAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(created)).StatusCode);
        }

        Assert.Equal(inboxBefore + 1, await InboxRecordsAsync());
        var recorded = await DisputeAsync(dispute);
        Assert.Equal(DisputeStatus.Open, recorded.Status);
        Assert.Equal(1, recorded.Version);
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == DisputeBooking.Kind);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Dispute_events_in_reverse_order_end_where_stripe_says_the_dispute_is_and_book_the_loss_once()
    {
        var group = await Payouts.Payouts.DeliveredAsync(host, Guid.NewGuid(), 16.00m, host.Clock.GetUtcNow() - LongAgo);
        var dispute = host.Stripe.OpenDispute(host.IntentOf(group.Payment.PaymentId));
        var created = host.Stripe.DisputeEvent("charge.dispute.created", dispute);
        host.Stripe.UpdateDispute(dispute, "under_review");
        var updated = host.Stripe.DisputeEvent("charge.dispute.updated", dispute);
        host.Stripe.CloseDispute(dispute, won: false);
        var closed = host.Stripe.DisputeEvent("charge.dispute.closed", dispute);

        foreach (var stripeEvent in new[] { closed, updated, created })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(stripeEvent)).StatusCode);
        }

        var recorded = await DisputeAsync(dispute);
        Assert.Equal(DisputeStatus.Lost, recorded.Status);
        Assert.Equal("lost", recorded.ProviderStatus);
        var booked = (await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId)).Where(t => t.Kind == DisputeBooking.Kind).ToList();
        Assert.Equal(2, booked.Count);
        Assert.Single(booked, t => t.Key == DisputeBooking.LostKeyOf(dispute));
        Assert.Equal(1600, (await Payouts.Payouts.OrderAsync(host, group[0].OrderId)).DisputeLostMinor);
        Assert.Equal(0, (await Payouts.Payouts.OrderAsync(host, group[0].OrderId)).PayableMinor);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Account_updated_reads_the_account_again_so_the_seller_is_ready_at_once_and_paid_its_accrued_balance_on_the_next_run()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Account Updated Seller");
        var account = (await Payouts.Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        var group = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 30.00m, host.Clock.GetUtcNow() - LongAgo);
        await Payouts.Payouts.RunAsync(host);
        Assert.Empty(await Payouts.Payouts.PaidAsync(host, group[0].OrderId));
        Assert.False((await PayoutAccountAsync(seller.SellerId)).Ready);

        // The event's snapshot is stale (taken before onboarding finished): only the re-read says ready.
        var stale = host.Stripe.AccountEvent("account.updated", account);
        host.Stripe.CompleteOnboarding(account);
        Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(stale)).StatusCode);

        var record = await PayoutAccountAsync(seller.SellerId);
        Assert.True(record.Ready);
        Assert.Equal("", record.RequirementsDue);

        await Payouts.Payouts.RunAsync(host);
        Assert.Equal(2700, Assert.Single(await Payouts.Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, seller));
    }

    private const long StripeDoubleFee = StripeDouble.DisputeFee;

    [Fact]
    public async Task An_order_cancelled_after_a_lost_dispute_is_refunded_what_the_dispute_left_of_its_share()
    {
        // Found while extending the lifecycle property test: the cancellation's refund asked for the capture less the
        // refunds, which a lost dispute had made more than is left, so it was refused and nothing went back.
        var (seller, _) = await ReadySellerAsync("Dispute Then Cancel Seller");
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 30.00m));
        await group.CapturedAsync(accepted: 1);
        var dispute = host.Stripe.OpenDispute(host.IntentOf(group.Payment.PaymentId), amount: 1000);
        host.Stripe.CloseDispute(dispute, won: false);
        Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.closed", dispute))).StatusCode);

        await group.PublishAsync(group.Cancelled(group[0], version: 3) with { Transition = "Cancel" });

        // The refund is reserved on the order first, and booked once Stripe has answered.
        Assert.Equal(0, await Eventually.ReadAsync(() => Payouts.Payouts.BalanceAsync(host, seller), balance => balance == 0));
        var row = (await group.RecordedAsync()).Single();
        Assert.Equal(2000, row.RefundedMinor);
        Assert.Equal(1000, row.DisputeLostMinor);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task An_order_a_lost_dispute_and_a_refund_take_in_full_gives_back_its_whole_commission_and_leaves_the_seller_owing_nothing()
    {
        // Found by the lifecycle property test: refunds and losses gave back the commission each on its own running total,
        // rounded down apart (666 + 333 of 1,000), so an order taken in full left its seller owing a minor unit.
        var (seller, _) = await ReadySellerAsync("Dispute And Refund Seller");
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 100.00m));
        await group.CapturedAsync(accepted: 1);
        var dispute = host.Stripe.OpenDispute(host.IntentOf(group.Payment.PaymentId), amount: 6667);
        host.Stripe.CloseDispute(dispute, won: false);
        Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(host.Stripe.DisputeEvent("charge.dispute.closed", dispute))).StatusCode);

        await group.PublishAsync(group.Cancelled(group[0], version: 3) with { Transition = "Cancel" });

        Assert.Equal(0, await Eventually.ReadAsync(() => Payouts.Payouts.BalanceAsync(host, seller), balance => balance == 0));
        var given = (await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId)).SelectMany(t => t.Entries).Where(e => e.Reason == "commission_refund").Sum(e => e.Amount);
        Assert.Equal(1000, given);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    private async Task<(SellerSession Seller, string AccountId)> ReadySellerAsync(string name)
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), name);
        var account = (await Payouts.Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        return (seller, account);
    }

    private async Task<List<JsonElement>> OpenDisputesAsync()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var body = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/disputes");
        return body.GetProperty("disputes").EnumerateArray().ToList();
    }

    private async Task<Dispute> DisputeAsync(string id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().Disputes.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    private async Task<Payments.Payouts.SellerPayoutAccount> PayoutAccountAsync(Guid sellerId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().SellerPayoutAccounts.AsNoTracking().SingleAsync(a => a.SellerId == sellerId);
    }

    private async Task<int> InboxRecordsAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().InboxMessages.CountAsync(m => m.Consumer == ReceiveStripeEvent.Consumer);
    }
}
