using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Providers.Sandbox;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Payouts;

/// <summary>
/// Refunds after the payout on the sandbox, on PostgreSQL: the seller's part comes back by reversing its transfer, the
/// commission's part from the platform's revenue, so the seller's payable never goes below zero, whichever of the refund
/// and the payout comes first.
/// </summary>
public sealed class PayoutReversalTests(PayoutsHost host) : IClassFixture<PayoutsHost>
{
    [Fact]
    public async Task A_refund_after_the_payout_reverses_the_sellers_part_of_the_transfer_and_gives_back_the_commission_in_proportion()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Reversal Seller");
        await Payouts.OnboardAsync(host, seller);
        var group = await Payouts.DeliveredAsync(host, seller.SellerId, 40.00m, host.Clock.GetUtcNow() - PayoutsHost.Window * 2);
        await Payouts.RunAsync(host);
        var payout = Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
        Assert.Equal(3600, payout.AmountMinor);
        var refundId = Guid.NewGuid();

        var refunded = await RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(10.00m, "EUR"), "Missing part"));

        // 10 % commission on 40.00: 1.00 of the 10.00 comes back from the platform's revenue, 9.00 from the seller's transfer.
        Assert.Equal(RefundOutcome.Refunded, refunded.Outcome);
        var books = await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId);
        var refund = Assert.Single(books, t => t.Key == $"refund:{refundId}");
        Assert.Equal(-1000, refund.Entries.Single(e => e.AccountKind == LedgerAccountKind.ProviderBalance).Amount);
        Assert.Equal(100, refund.Entries.Where(e => e.AccountKind == LedgerAccountKind.PlatformRevenue).Sum(e => e.Amount));
        var reversal = Assert.Single(books, t => t.Kind == ReversalBooking.Kind);
        Assert.Equal($"reversal:{refundId}", reversal.Key);
        Assert.Equal(900, reversal.Entries.Single(e => e.Account == "provider:sandbox").Amount);
        Assert.Equal(-900, reversal.Entries.Single(e => e.AccountKind == LedgerAccountKind.SellerPayable && e.SellerId == seller.SellerId).Amount);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        Assert.Equal([900], await ReversedAsync(payout.TransferReference));

        // What reached the seller is its delivery less commission less its part of the refund: 40.00 - (4.00 - 1.00) - 10.00.
        Assert.Equal(4000 - (400 - 100) - 1000, payout.AmountMinor - (await ReversedAsync(payout.TransferReference)).Sum());

        // The rest of the order: the whole transfer comes back, and the whole commission.
        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(30.00m, "EUR"), null))).Outcome);
        Assert.Equal(3600, (await ReversedAsync(payout.TransferReference)).Sum());
        var revenue = (await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId))
            .SelectMany(t => t.Entries).Where(e => e.AccountKind == LedgerAccountKind.PlatformRevenue && e.OrderId == group[0].OrderId).Sum(e => e.Amount);
        Assert.Equal(0, revenue);
        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Refunds_racing_the_payout_run_end_with_each_seller_paid_its_share_less_commission_less_its_part_of_the_refund()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Reversal Race Seller");
        await Payouts.OnboardAsync(host, seller);
        var groups = new List<GroupOrders>();
        for (var i = 0; i < 6; i++)
        {
            groups.Add(await Payouts.DeliveredAsync(host, seller.SellerId, 20.00m + i, host.Clock.GetUtcNow() - PayoutsHost.Window * 2));
        }

        // One payout pass and a 5.00 refund of every order, all at once.
        var refunds = groups.Select(g => Task.Run(() => RefundAsync(new RefundPayment(Guid.NewGuid(), g[0].OrderId, Money.Of(5.00m, "EUR"), null)))).ToList();
        var run = Task.Run(() => Payouts.RunAsync(host));
        await Task.WhenAll(refunds);
        await run;
        Assert.All(refunds, r => Assert.Equal(RefundOutcome.Refunded, r.Result.Outcome));
        await Payouts.RunAsync(host);

        foreach (var group in groups)
        {
            // 10 % commission; 5.00 refunded gives back 0.50 of it, so the seller bears 4.50 whichever came first.
            var share = (long)(group[0].Total * 100);
            var commission = share / 10;
            var payout = Assert.Single(await Payouts.PaidAsync(host, group[0].OrderId));
            var reversed = (await ReversedAsync(payout.TransferReference)).Sum();
            Assert.True(
                (payout.AmountMinor, reversed) == (share - commission, 450) || (payout.AmountMinor, reversed) == (share - commission - 450, 0),
                $"Order of {share}: paid {payout.AmountMinor}, reversed {reversed}.");
        }

        Assert.Equal(0, await Payouts.BalanceAsync(host, seller));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task The_sandbox_reverses_at_most_what_is_left_of_a_transfer_and_answers_a_repeated_key_with_the_same_reversal()
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Sandbox Reversal Seller");
        var account = (await Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        var group = await GroupOrders.PaidAsync(host, (seller.SellerId, 8.00m));
        await group.CapturedAsync(accepted: 1);
        var provider = host.Services.GetRequiredService<IPaymentProvider>();
        var transfer = await provider.TransferAsync(
            new ProviderTransferInstruction(Money.Of(8.00m, "EUR"), account, group.Payment.OrderGroupId, null, group[0].OrderId, $"payout:{group[0].OrderId}"), CancellationToken.None);
        var key = $"reversal:{Guid.NewGuid()}";

        var first = await provider.ReverseTransferAsync(transfer.TransferReference, Money.Of(3.00m, "EUR"), key, CancellationToken.None);
        var replay = await provider.ReverseTransferAsync(transfer.TransferReference, Money.Of(3.00m, "EUR"), key, CancellationToken.None);
        var tooMuch = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => provider.ReverseTransferAsync(transfer.TransferReference, Money.Of(5.01m, "EUR"), $"reversal:{Guid.NewGuid()}", CancellationToken.None));
        var otherAmount = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => provider.ReverseTransferAsync(transfer.TransferReference, Money.Of(2.00m, "EUR"), key, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => provider.ReverseTransferAsync("tr_sandbox_unknown", Money.Of(1.00m, "EUR"), $"reversal:{Guid.NewGuid()}", CancellationToken.None));
        await provider.ReverseTransferAsync(transfer.TransferReference, Money.Of(5.00m, "EUR"), $"reversal:{Guid.NewGuid()}", CancellationToken.None);

        Assert.Equal(first.ReversalReference, replay.ReversalReference);
        Assert.Equal(("amount_too_large", "idempotency_error", "resource_missing"), (tooMuch.Code, otherAmount.Code, unknown.Code));
        Assert.Equal([300, 500], (await ReversedAsync(transfer.TransferReference)).Order());
    }

    private async Task<RefundResult> RefundAsync(RefundPayment request)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().RefundAsync(request, CancellationToken.None);
    }

    /// <summary>The sandbox's own balance: the reversals of a transfer, in minor units.</summary>
    private async Task<List<long>> ReversedAsync(string transferReference)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().SandboxBalanceTransactions.AsNoTracking()
            .Where(t => t.Type == SandboxBalance.TransferReversal && t.PaymentReference == transferReference)
            .Select(t => t.AmountMinor)
            .ToListAsync();
    }
}
