using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>
/// Connect onboarding and payouts against the Stripe double: one Express account per seller, readiness as Stripe says,
/// one transfer per seller order (grouped with its checkout, funded by its charge, keyed <c>payout:{orderId}</c>),
/// however many runs race.
/// </summary>
public sealed class StripePayoutTests(StripeHost host) : IClassFixture<StripeHost>
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromDays(2);

    [Fact]
    public async Task Onboarding_makes_one_express_account_per_seller_with_a_link_and_readiness_follows_what_stripe_says()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Onboarding Seller");
        var before = host.Stripe.Accounts.Count;

        var first = await Payouts.OnboardAsync(host, seller);
        var again = await Payouts.OnboardAsync(host, seller);

        Assert.Equal(before + 1, host.Stripe.Accounts.Count);
        Assert.Equal(first.GetProperty("accountId").GetString(), again.GetProperty("accountId").GetString());
        Assert.StartsWith("https://connect.stripe.com/setup/e/" + first.GetProperty("accountId").GetString(), first.GetProperty("onboardingUrl").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(first.GetProperty("onboardingUrl").GetString(), again.GetProperty("onboardingUrl").GetString());
        Assert.False(first.GetProperty("ready").GetBoolean());
        Assert.Contains("external_account", first.GetProperty("requirementsDue").EnumerateArray().Select(r => r.GetString()));

        host.Stripe.CompleteOnboarding(first.GetProperty("accountId").GetString()!);
        var read = await host.CreateClient(seller.MemberAccessToken).GetFromJsonAsync<JsonElement>($"/api/v1/sellers/{seller.SellerId}/payout-account");

        Assert.True(read.GetProperty("ready").GetBoolean());
        Assert.True(read.GetProperty("payoutsEnabled").GetBoolean());
        Assert.True(read.GetProperty("transfersActive").GetBoolean());
        Assert.Empty(read.GetProperty("requirementsDue").EnumerateArray());
    }

    [Fact]
    public async Task Payout_readiness_is_on_the_sellers_profile_for_its_members_and_not_for_anyone_else()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Profile Seller");
        var member = host.CreateClient(seller.MemberAccessToken);
        var path = $"/api/v1/sellers/{seller.SellerId}";

        var before = (await member.GetFromJsonAsync<JsonElement>(path)).GetProperty("payouts");
        Assert.False(before.GetProperty("accountOpened").GetBoolean());
        Assert.False(before.GetProperty("ready").GetBoolean());

        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        var onboarding = (await member.GetFromJsonAsync<JsonElement>(path)).GetProperty("payouts");
        Assert.True(onboarding.GetProperty("accountOpened").GetBoolean());
        Assert.False(onboarding.GetProperty("ready").GetBoolean());
        Assert.Contains("external_account", onboarding.GetProperty("requirementsDue").EnumerateArray().Select(r => r.GetString()));

        // Stripe says the account is ready (the seller's own read of its payout account, as account.updated would).
        host.Stripe.CompleteOnboarding(account);
        await member.GetFromJsonAsync<JsonElement>(path + "/payout-account");
        var ready = (await member.GetFromJsonAsync<JsonElement>(path)).GetProperty("payouts");
        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Empty(ready.GetProperty("requirementsDue").EnumerateArray());

        var other = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Profile Other Seller");
        foreach (var stranger in new[] { host.CreateClient(), host.CreateClient(other.MemberAccessToken) })
        {
            var seen = await stranger.GetFromJsonAsync<JsonElement>(path);
            Assert.Equal("Stripe Profile Seller", seen.GetProperty("name").GetString());
            Assert.True(!seen.TryGetProperty("payouts", out var hidden) || hidden.ValueKind == JsonValueKind.Null);
        }
    }

    [Fact]
    public async Task A_seller_still_onboarding_accrues_and_once_stripe_says_ready_gets_one_transfer_from_the_checkouts_charge()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Accrual Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, 25.00m, host.Clock.GetUtcNow() - LongAgo);

        await Payouts.RunAsync(host);
        Assert.Empty(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.DoesNotContain(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(2500, await Payouts.BalanceAsync(host, seller));

        // The seller finishes onboarding at Stripe and never comes back: the run reads the account again itself.
        host.Stripe.CompleteOnboarding(account);
        var run = await Payouts.RunAsync(host);

        Assert.True(run.AccountsChecked >= 1);
        var transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(2500, transfer["amount"]!.GetValue<long>());
        Assert.Equal("eur", transfer["currency"]!.GetValue<string>());
        Assert.Equal(group.Payment.OrderGroupId.ToString(), transfer["transfer_group"]!.GetValue<string>());
        Assert.Equal(host.Stripe.ChargeOf(host.IntentOf(group.Payment.PaymentId)), transfer["source_transaction"]!.GetValue<string>());
        var payout = Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.Equal(transfer["id"]!.GetValue<string>(), payout.TransferReference);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Concurrent_payout_runs_make_one_transfer_per_seller_order()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Race Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var groups = new List<Escrow.GroupOrders>();
        for (var i = 0; i < 6; i++)
        {
            groups.Add(await Payouts.DeliveredAsync(host, seller.SellerId, 5.00m + i, host.Clock.GetUtcNow() - LongAgo));
        }

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Payouts.RunAsync(host))));

        var transfers = host.Stripe.Transfers.Where(t => t["destination"]!.GetValue<string>() == account).ToList();
        Assert.Equal(groups.Count, transfers.Count);
        Assert.Equal(
            groups.Select(g => g[0].OrderId.ToString()).Order().ToList(),
            transfers.Select(t => t["metadata"]!["seller_order_id"]!.GetValue<string>()).Order().ToList());
        foreach (var group in groups)
        {
            Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        }

        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_transfer_stripe_refuses_is_asked_again_on_the_next_run_under_a_key_of_its_own_since_stripe_answers_the_refused_key_the_same_for_a_day()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Refused Transfer Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, 12.00m, host.Clock.GetUtcNow() - LongAgo);
        host.Stripe.Refuse("POST", "/v1/transfers", times: 1);

        await Payouts.RunAsync(host);

        Assert.Empty(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.DoesNotContain(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        var charge = host.Stripe.ChargeOf(host.IntentOf(group.Payment.PaymentId));
        var firstKey = new ProviderTransferInstruction(Money.Of(12.00m, "EUR"), account, group.Payment.OrderGroupId, charge, group[0].OrderId, $"payout:{group[0].OrderId}");
        var replayed = await Assert.ThrowsAsync<ProviderRefusedException>(() => host.Provider.TransferAsync(firstKey, CancellationToken.None));
        Assert.Equal("balance_insufficient", replayed.Code);

        // The claim's lease runs out (ended here, not waited for: moving the host's clock past it would expire the
        // tests' tokens); the next run asks under the second attempt's key, and Stripe transfers.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            var order = await db.EscrowOrders.SingleAsync(o => o.OrderId == group[0].OrderId);
            Assert.Equal(1, order.PayoutAttempt);
            order.PayoutClaimedUntil = null;
            await db.SaveChangesAsync();
        }

        await Payouts.RunAsync(host);

        var paid = Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.Equal(1200, paid.AmountMinor);
        var transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(1200, transfer["amount"]!.GetValue<long>());
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task The_double_like_stripe_forgets_an_idempotency_key_after_a_day_so_the_same_key_is_carried_out_afresh()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Key Life Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await Escrow.GroupOrders.PaidAsync(host, (seller.SellerId, 9.00m));
        await group.CapturedAsync(accepted: 1);
        var request = new ProviderTransferInstruction(
            Money.Of(4.00m, "EUR"), account, group.Payment.OrderGroupId, host.Stripe.ChargeOf(host.IntentOf(group.Payment.PaymentId)), group[0].OrderId, $"key-life:{group[0].OrderId}");
        host.Stripe.Refuse("POST", "/v1/transfers", times: 1);

        // A day passes for the double alone: the host's clock (its tokens, the other tests' deadlines) stays where it is.
        var stripeClock = new ControlledClock();
        host.Stripe.Clock = stripeClock;
        try
        {
            Assert.Equal("balance_insufficient", (await Assert.ThrowsAsync<ProviderRefusedException>(() => host.Provider.TransferAsync(request, CancellationToken.None))).Code);
            stripeClock.Advance(StripeDouble.IdempotencyKeyLife - TimeSpan.FromMinutes(1));
            Assert.Equal("balance_insufficient", (await Assert.ThrowsAsync<ProviderRefusedException>(() => host.Provider.TransferAsync(request, CancellationToken.None))).Code);
            stripeClock.Advance(TimeSpan.FromMinutes(2));

            var made = await host.Provider.TransferAsync(request, CancellationToken.None);

            Assert.Equal(made.TransferReference, Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account)["id"]!.GetValue<string>());
        }
        finally
        {
            host.Stripe.Clock = host.Clock;
        }
    }

    [Fact]
    public async Task A_transfer_repeated_with_its_key_is_answered_the_same_and_the_key_with_another_amount_is_refused()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Replay Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await Escrow.GroupOrders.PaidAsync(host, (seller.SellerId, 8.00m));
        await group.CapturedAsync(accepted: 1);
        var charge = host.Stripe.ChargeOf(host.IntentOf(group.Payment.PaymentId));
        var key = $"payout:{group[0].OrderId}";
        ProviderTransferInstruction Request(decimal amount) => new(Money.Of(amount, "EUR"), account, group.Payment.OrderGroupId, charge, group[0].OrderId, key);

        var first = await host.Provider.TransferAsync(Request(8.00m), CancellationToken.None);
        var replay = await host.Provider.TransferAsync(Request(8.00m), CancellationToken.None);
        var other = await Assert.ThrowsAsync<Stripe.StripeException>(() => host.Provider.TransferAsync(Request(7.00m), CancellationToken.None));

        Assert.Equal(first.TransferReference, replay.TransferReference);
        Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal("idempotency_error", other.StripeError.Type);
        var refused = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => host.Provider.TransferAsync(Request(1.00m) with { IdempotencyKey = $"payout-more:{group[0].OrderId}" }, CancellationToken.None));
        Assert.Equal("balance_insufficient", refused.Code);
    }
}
