using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Refunds;

/// <summary>Refunds against the Stripe double: one Stripe refund per refund id, however often it is asked, and booked from Stripe's balance.</summary>
public sealed class StripeRefundTests(StripeHost host) : IClassFixture<StripeHost>
{
    [Fact]
    public async Task A_refund_creates_one_stripe_refund_on_the_captured_charge_even_when_asked_again_and_books_it_from_the_stripe_balance()
    {
        var group = await GroupOrders.PaidAsync(host, 30m, 10m);
        await group.CapturedAsync(accepted: 2);
        var request = new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(12.50m, "EUR"), "Wrong size");

        var first = await RefundAsync(request);
        var again = await RefundAsync(request);

        Assert.Equal(RefundOutcome.Refunded, first.Outcome);
        Assert.Equal(RefundOutcome.Refunded, again.Outcome);
        var charge = host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId))["latest_charge"]!;
        Assert.Equal(1250, charge["amount_refunded"]!.GetValue<long>());
        var booked = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);
        Assert.Contains(booked.Entries, e => e.Account == "provider:stripe" && e.Amount == -1250);

        // The rest of the order's share, and not a cent more: Stripe's charge still holds the other order's 10 EUR.
        Assert.Equal(RefundOutcome.ExceedsCapture, (await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(17.51m, "EUR"), null))).Outcome);
        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(17.50m, "EUR"), null))).Outcome);
        Assert.Equal(3000, host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId))["latest_charge"]!["amount_refunded"]!.GetValue<long>());
        Assert.Equal(0, (await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId))[group[0].SellerId]);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    private async Task<RefundResult> RefundAsync(RefundPayment request)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().RefundAsync(request, CancellationToken.None);
    }
}
