using Marketplace.Payments.Contracts;
using Marketplace.Payments.Tests.Payouts;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Reconciliation;

/// <summary>The sandbox host with commission, whose reconciliation window ends now.</summary>
public sealed class SandboxReversalReconciliationHost : PaymentsHost
{
    public SandboxReversalReconciliationHost()
        : base(TestProfile.Production, PayoutsHost.CommissionRules) => Settings["Payments:ReconciliationSettleDelay"] = "00:00:00";
}

/// <summary>After a payout and a refund that reverses part of it, the sandbox's balance and the ledger agree: the transfer_refund is booked.</summary>
public sealed class SandboxReversalReconciliationTests(SandboxReversalReconciliationHost host) : IClassFixture<SandboxReversalReconciliationHost>
{
    [Fact]
    public async Task A_reversal_after_the_payout_reconciles_with_the_sandboxs_transfer_refund()
    {
        await ReversalReconciliation.PayOutAndRefundAsync(host, accountReady: _ => { });

        var report = await ReconciliationBooks.RunAsync(host);

        Assert.Empty(report.Differences);
        Assert.Equal(0, report.DifferenceCount);

        // The capture, the transfer, the refund and the transfer_refund, each paired with its booking.
        Assert.Equal((4, 4), (report.ProviderTransactions, report.Matched));
    }
}

/// <summary>The same against the Stripe double's balance transactions, read with their sources expanded through Stripe.net.</summary>
public sealed class StripeReversalReconciliationTests(StripeCommissionHost host) : IClassFixture<StripeCommissionHost>
{
    [Fact]
    public async Task A_reversal_after_the_payout_reconciles_with_stripes_transfer_refund_balance_transaction()
    {
        await ReversalReconciliation.PayOutAndRefundAsync(host, host.Stripe.CompleteOnboarding);

        // The window ends Payments:ReconciliationSettleDelay (5 minutes) before the run: let that pass.
        host.Clock.Advance(TimeSpan.FromMinutes(6));
        var report = await ReconciliationBooks.RunAsync(host);

        Assert.Empty(report.Differences);
        Assert.Equal((4, 4), (report.ProviderTransactions, report.Matched));
    }
}

internal static class ReversalReconciliation
{
    /// <summary>A 40.00 order paid out (36.00 after 10 % commission), then 10.00 refunded: 9.00 of it reversed from the transfer.</summary>
    public static async Task PayOutAndRefundAsync(PaymentsHost host, Action<string> accountReady)
    {
        var seller = await IdentityFlows.CreateSellerAsync(host.CreateClient(), "Reversal Reconciliation Seller");
        var account = (await Payouts.Payouts.OnboardAsync(host, seller)).GetProperty("accountId").GetString()!;
        accountReady(account);
        var group = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 40.00m, host.Clock.GetUtcNow() - TimeSpan.FromDays(2));
        await Payouts.Payouts.RunAsync(host);
        Assert.Single(await Payouts.Payouts.PaidAsync(host, group[0].OrderId));
        await using var scope = host.Services.CreateAsyncScope();
        var refunded = await scope.ServiceProvider.GetRequiredService<IPayments>()
            .RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(10.00m, "EUR"), null), CancellationToken.None);
        Assert.Equal(RefundOutcome.Refunded, refunded.Outcome);
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, seller));
    }
}
