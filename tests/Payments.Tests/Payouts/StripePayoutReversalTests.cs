using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>
/// The Stripe host with the commission rules of <see cref="PayoutsHost"/> (10 % by default), and Stripe.net not retrying
/// on its own, so that a test decides when a lost answer is asked again.
/// </summary>
public class StripeCommissionHost : StripeHost
{
    public StripeCommissionHost()
        : base(PayoutsHost.CommissionRules)
    {
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Settings["Payments:Stripe:MaxNetworkRetries"] = "0";

        // A transfer a test holds at the double must not time out while the test refunds on a busy machine.
        Settings["Payments:ProviderTimeout"] = "00:01:00";
    }
}

/// <summary>
/// Refunds after the payout against the Stripe double: the seller's part comes back by a reversal of its transfer
/// (<c>POST /v1/transfers/{id}/reversals</c>, keyed <c>reversal:{refundId}</c>), whether the refund lands after the
/// transfer or while it is on its way, and a payout retried after a lost answer sends the same transfer again.
/// </summary>
public sealed class StripePayoutReversalTests(StripeCommissionHost host) : IClassFixture<StripeCommissionHost>
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromDays(2);

    [Fact]
    public async Task A_refund_after_the_payout_refunds_the_charge_and_reverses_the_sellers_part_of_the_transfer()
    {
        var (account, group) = await PaidOutAsync("Stripe Reversal Seller", 40.00m);
        var transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(3600, transfer["amount"]!.GetValue<long>());
        var refundId = Guid.NewGuid();

        var refunded = await RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(10.00m, "EUR"), "Missing part"));

        Assert.Equal(RefundOutcome.Refunded, refunded.Outcome);
        Assert.Equal(1000, host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId))["latest_charge"]!["amount_refunded"]!.GetValue<long>());
        transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(900, transfer["amount_reversed"]!.GetValue<long>());
        var reversal = Assert.Single(transfer["reversals"]!["data"]!.AsArray())!;
        var booked = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == ReversalBooking.Kind);
        Assert.Equal(900, booked.Entries.Single(e => e.Account == "provider:stripe").Amount);
        Assert.Equal(0, await SellerPayableAsync(group));

        // Asked again under the same refund id: no second refund, no second reversal.
        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(10.00m, "EUR"), "Missing part"))).Outcome);
        transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(reversal["id"]!.GetValue<string>(), Assert.Single(transfer["reversals"]!["data"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(0, await SellerPayableAsync(group));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_refund_that_lands_while_the_transfer_is_on_its_way_is_reversed_from_it_once_it_is_made()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe In Flight Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, 40.00m, host.Clock.GetUtcNow() - LongAgo);
        var gate = host.Stripe.Hold("POST", "/v1/transfers");
        var run = Task.Run(() => Payouts.RunAsync(host));
        Task<RefundResult> refund;
        try
        {
            await gate.Arrived.WaitAsync(TimeSpan.FromSeconds(30));

            // The payout fixed its amount and asked Stripe; the refund now owes a reversal, so it sends the same transfer
            // first (held too), and the charge still covers it when the refund takes its part.
            refund = Task.Run(() => RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(10.00m, "EUR"), null)));
            await Eventually.ReadAsync(() => Task.FromResult(gate.Arrivals), arrivals => arrivals >= 2);
            Assert.DoesNotContain(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        }
        finally
        {
            gate.Release();
        }

        await run;
        Assert.Equal(RefundOutcome.Refunded, (await refund).Outcome);

        var transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal((3600, 900), (transfer["amount"]!.GetValue<long>(), transfer["amount_reversed"]!.GetValue<long>()));
        Assert.Equal(3600, Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_payout_retried_after_a_lost_answer_and_a_refund_sends_the_same_transfer_and_reverses_the_refunds_part()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Retry Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, 40.00m, host.Clock.GetUtcNow() - LongAgo);

        // Stripe makes the transfer, but its answer never arrives: the run fails and the order stays claimed and unpaid.
        host.Stripe.LoseAnswers("POST", "/v1/transfers", 1);
        await Assert.ThrowsAnyAsync<Exception>(() => Payouts.RunAsync(host));
        var made = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Empty(await Payouts.PaidAsync(host, group[0].OrderId));

        var refunded = await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(10.00m, "EUR"), null));
        Assert.Equal(RefundOutcome.Refunded, refunded.Outcome);

        // The claim's lease runs out; the next pass sends the transfer again with the same parameters, and Stripe replays it.
        host.Clock.Advance(TimeSpan.FromMinutes(11));
        await Payouts.RunAsync(host);

        var transfer = Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account);
        Assert.Equal(made["id"]!.GetValue<string>(), transfer["id"]!.GetValue<string>());
        Assert.Equal((3600, 900), (transfer["amount"]!.GetValue<long>(), transfer["amount_reversed"]!.GetValue<long>()));
        var payout = Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.Equal((3600, transfer["id"]!.GetValue<string>()), (payout.AmountMinor, payout.TransferReference));
        Assert.Equal(0, await SellerPayableAsync(group));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_reversal_repeated_with_its_key_is_answered_the_same_the_key_with_another_amount_is_refused_and_none_goes_beyond_the_transfer()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Stripe Reversal Replay Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 8.00m));
        await group.CapturedAsync(accepted: 1);
        var made = await host.Provider.TransferAsync(
            new ProviderTransferInstruction(
                Money.Of(8.00m, "EUR"), account, group.Payment.OrderGroupId, host.Stripe.ChargeOf(host.IntentOf(group.Payment.PaymentId)), group[0].OrderId, $"payout:{group[0].OrderId}"),
            CancellationToken.None);
        var key = $"reversal:{Guid.NewGuid()}";

        var first = await host.Provider.ReverseTransferAsync(made.TransferReference, Money.Of(3.00m, "EUR"), key, CancellationToken.None);
        var replay = await host.Provider.ReverseTransferAsync(made.TransferReference, Money.Of(3.00m, "EUR"), key, CancellationToken.None);
        var other = await Assert.ThrowsAsync<Stripe.StripeException>(() => host.Provider.ReverseTransferAsync(made.TransferReference, Money.Of(2.00m, "EUR"), key, CancellationToken.None));
        var tooMuch = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => host.Provider.ReverseTransferAsync(made.TransferReference, Money.Of(5.01m, "EUR"), $"reversal:{Guid.NewGuid()}", CancellationToken.None));
        var rest = await host.Provider.ReverseTransferAsync(made.TransferReference, Money.Of(5.00m, "EUR"), $"reversal:{Guid.NewGuid()}", CancellationToken.None);
        var none = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => host.Provider.ReverseTransferAsync(made.TransferReference, Money.Of(0.01m, "EUR"), $"reversal:{Guid.NewGuid()}", CancellationToken.None));

        Assert.StartsWith("trr_", first.ReversalReference, StringComparison.Ordinal);
        Assert.Equal(first.ReversalReference, replay.ReversalReference);
        Assert.Equal("idempotency_error", other.StripeError.Type);
        Assert.Equal(("amount_too_large", "transfer_already_reversed"), (tooMuch.Code, none.Code));
        Assert.Equal(Money.Of(5.00m, "EUR"), rest.Amount);
        var transfer = Assert.Single(host.Stripe.Transfers, t => t["id"]!.GetValue<string>() == made.TransferReference);
        Assert.Equal((800L, true, 2), (transfer["amount_reversed"]!.GetValue<long>(), transfer["reversed"]!.GetValue<bool>(), transfer["reversals"]!["data"]!.AsArray().Count));
    }

    [Fact]
    public async Task A_reversal_stripe_refuses_stays_owed_and_the_next_pass_asks_again_under_a_key_of_its_own()
    {
        var (account, group) = await PaidOutAsync("Stripe Refused Reversal Seller", 40.00m);
        host.Stripe.Refuse("POST", "/v1/transfers/", times: 1, code: "insufficient_funds", message: "The connected account has insufficient funds to cover this reversal.");

        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(10.00m, "EUR"), null))).Outcome);

        // Refunded to the buyer; the seller's part is owed, shown as the seller's debt until it is taken back.
        Assert.Equal(0, Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account)["amount_reversed"]!.GetValue<long>());
        Assert.Equal(900, await SellerPayableAsync(group));

        await Payouts.RunAsync(host);

        Assert.Equal(900, Assert.Single(host.Stripe.Transfers, t => t["destination"]!.GetValue<string>() == account)["amount_reversed"]!.GetValue<long>());
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == ReversalBooking.Kind);
        Assert.Equal(0, await SellerPayableAsync(group));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    /// <summary>A seller's order of <paramref name="total"/>, delivered long ago, paid out by one run to its ready Stripe account.</summary>
    private async Task<(string Account, GroupOrders Group)> PaidOutAsync(string sellerName, decimal total)
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), sellerName);
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        host.Stripe.CompleteOnboarding(account);
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, total, host.Clock.GetUtcNow() - LongAgo);
        await Payouts.RunAsync(host);
        Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        return (account, group);
    }

    /// <summary>What the seller's payable account holds for the group's payment, net of every booking (0: nothing owed either way).</summary>
    private async Task<long> SellerPayableAsync(GroupOrders group) =>
        (await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId)).SelectMany(t => t.Entries)
            .Where(e => e.AccountKind == LedgerAccountKind.SellerPayable && e.SellerId == group[0].SellerId).Sum(e => e.Amount);

    private async Task<RefundResult> RefundAsync(RefundPayment request)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().RefundAsync(request, CancellationToken.None);
    }
}
