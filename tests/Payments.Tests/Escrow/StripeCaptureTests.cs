using Marketplace.Payments.Contracts;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Platform;

namespace Marketplace.Payments.Tests.Escrow;

/// <summary>Deal protection against the Stripe double: a partial capture of the PaymentIntent, and Stripe's own lapse.</summary>
public sealed class StripeCaptureTests(StripeHost host) : IClassFixture<StripeHost>
{
    [Fact]
    public async Task The_accepted_orders_total_is_captured_from_the_payment_intent_and_the_rest_is_released()
    {
        var group = await GroupOrders.PaidAsync(host, 30m, 19.90m);

        var captured = await group.CapturedAsync(accepted: 1);

        var intent = host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId));
        Assert.Equal("succeeded", intent["status"]!.GetValue<string>());
        Assert.Equal(3000, intent["amount_received"]!.GetValue<long>());
        Assert.Equal(0, intent["amount_capturable"]!.GetValue<long>());
        Assert.Equal(3000, intent["latest_charge"]!["amount_captured"]!.GetValue<long>());
        Assert.Equal(Money.Of(30m, "EUR"), captured.Captured);
        var transaction = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        Assert.Contains(transaction.Entries, e => e.Account == "provider:stripe" && e.Amount == 3000);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task An_authorisation_Stripe_let_lapse_is_recorded_as_lapsed_and_nothing_is_booked()
    {
        var group = await GroupOrders.PaidAsync(host, 12m);
        await group.PublishAsync(group.Placed(group[0]));
        await group.SeenAsync((group[0], 1));

        host.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var lapsed = await group.SettledAsync(PaymentStatus.Lapsed);

        Assert.Equal(PaymentStatus.Lapsed, lapsed.Status);
        var intent = host.Stripe.IntentJson(host.IntentOf(group.Payment.PaymentId));
        Assert.Equal("canceled", intent["status"]!.GetValue<string>());
        Assert.Equal("automatic", intent["cancellation_reason"]!.GetValue<string>());
        // The outbox purge may or may not have cleared the authorisation's event yet (the clock moved days): what matters
        // is that the lapse was told once and no capture was.
        var events = await host.EventsAsync(group.Payment.PaymentId);
        Assert.Single(events, e => e == "PaymentAuthorizationLapsed");
        Assert.DoesNotContain("PaymentCaptured", events);
        Assert.Empty(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
    }
}
