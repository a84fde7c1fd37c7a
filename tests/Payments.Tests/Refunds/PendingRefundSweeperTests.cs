using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Refunds;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Refunds;

/// <summary>
/// The Stripe double's host with the pending-refund sweeper looking every 200 ms for refunds pending longer than
/// <see cref="Grace"/>, and holding what it claimed for a second only, so that a pass that fails is followed at once.
/// </summary>
public sealed class PendingRefundHost : StripeHost
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public PendingRefundHost()
    {
        Settings["Payments:RefundClaimLease"] = "00:00:01";
        Settings["Payments:RefundRetryInterval"] = "00:00:00.200";
        Settings["Payments:RefundRetryGrace"] = Grace.ToString("c");
    }
}

/// <summary>A refund whose provider call never came back is finished by the sweeper, under its own idempotency key, once.</summary>
public sealed class PendingRefundSweeperTests(PendingRefundHost host) : IClassFixture<PendingRefundHost>
{
    [Fact]
    public async Task A_refund_left_pending_when_stripes_answer_was_lost_is_finished_after_the_grace_with_its_own_key_and_refunded_once()
    {
        var group = await GroupOrders.PaidAsync(host, 30m);
        await group.CapturedAsync(accepted: 1);
        var refundId = Guid.NewGuid();
        // Stripe refunds it, but the answer never arrives, nor to the client's own retries with the same key: the refund
        // stays as it was written before the call.
        host.Stripe.LoseAnswers("POST", "/v1/refunds", int.MaxValue);
        await Assert.ThrowsAnyAsync<Exception>(() => RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(12.50m, "EUR"), "Cracked")));
        var left = await RefundRowAsync(refundId);
        Assert.Equal(PaymentRefundStatus.Pending, left.Status);
        Assert.DoesNotContain(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);
        host.Stripe.LoseAnswers("POST", "/v1/refunds", 0);

        var finished = await Eventually.ReadAsync(() => RefundRowAsync(refundId), r => r.Status == PaymentRefundStatus.Refunded);

        Assert.Equal(PaymentRefundStatus.Refunded, finished.Status);
        Assert.True(finished.CompletedAt - left.CreatedAt >= PendingRefundHost.Grace, "carried on before its grace ended");
        Assert.StartsWith("re_", finished.ProviderReference, StringComparison.Ordinal);
        var charge = host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId))["latest_charge"]!;
        Assert.Equal(1250, charge["amount_refunded"]!.GetValue<long>());
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);
        Assert.Single(await host.EventsAsync(group.Payment.PaymentId), e => e == "PaymentRefunded");
        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(12.50m, "EUR"), "Cracked"))).Outcome);
        Assert.Equal(1250, host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId))["latest_charge"]!["amount_refunded"]!.GetValue<long>());
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_refund_stripe_refuses_when_the_sweeper_carries_it_on_is_closed_as_refused_its_amount_freed_and_payment_refund_refused_says_so()
    {
        var group = await GroupOrders.PaidAsync(host, 30m);
        await group.CapturedAsync(accepted: 1);
        var refundId = Guid.NewGuid();

        // The call never reaches Stripe (nor the client's own retries): nothing is stored under the key, the refund stays pending.
        host.Stripe.Unreachable("POST", "/v1/refunds", int.MaxValue);
        await Assert.ThrowsAnyAsync<Exception>(() => RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(12.50m, "EUR"), "Cracked")));
        Assert.Equal(PaymentRefundStatus.Pending, (await RefundRowAsync(refundId)).Status);
        host.Stripe.Refuse("POST", "/v1/refunds", times: 1, code: "charge_disputed", message: "The charge is disputed.");
        host.Stripe.Unreachable("POST", "/v1/refunds", 0);

        var refused = await Eventually.ReadAsync(() => RefundRowAsync(refundId), r => r.Status == PaymentRefundStatus.Refused);

        Assert.Equal(PaymentRefundStatus.Refused, refused.Status);
        Assert.Equal("charge_disputed", refused.ProviderCode);
        Assert.Contains("PaymentRefundRefused", await host.EventsAsync(group.Payment.PaymentId));
        Assert.DoesNotContain(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);

        // Asked again under its id, the refusal is answered; the whole share is refundable again under another id.
        Assert.NotEqual(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(12.50m, "EUR"), "Cracked"))).Outcome);
        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(30m, "EUR"), null))).Outcome);
        Assert.Equal(3000, host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId))["latest_charge"]!["amount_refunded"]!.GetValue<long>());
        await LedgerBooks.AssertBalancedAsync(host);
    }

    private async Task<RefundResult> RefundAsync(RefundPayment request)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().RefundAsync(request, CancellationToken.None);
    }

    private async Task<PaymentRefund> RefundRowAsync(Guid refundId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().Refunds.AsNoTracking().SingleAsync(r => r.Id == refundId);
    }
}
