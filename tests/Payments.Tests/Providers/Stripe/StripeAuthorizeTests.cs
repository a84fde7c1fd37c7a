using System.Net.Http.Json;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Providers.Stripe;

/// <summary>Authorising, voiding, capturing and refunding through the real host with <c>Payments:Provider = stripe</c>, against the Stripe double.</summary>
public sealed class StripeAuthorizeTests(StripeHost host) : IClassFixture<StripeHost>
{
    [Fact]
    public async Task A_card_that_authorises_holds_the_amount_on_a_manual_capture_intent_and_records_when_it_lapses()
    {
        var request = PaymentsHost.Request("pm_card_visa", amount: 49.90m);

        var result = await host.AuthorizeAsync(request);

        var payment = result.Payment!;
        Assert.Equal(PaymentStatus.Authorized, payment.Status);
        Assert.Equal(["PaymentAuthorized"], await host.EventsAsync(payment.PaymentId));
        var intent = host.Stripe.IntentJson(host.IntentOf(payment.PaymentId));
        Assert.Equal("requires_capture", (string?)intent["status"]);
        Assert.Equal("manual", (string?)intent["capture_method"]);
        Assert.Equal(4990, (long?)intent["amount"]);
        Assert.Equal("eur", (string?)intent["currency"]);
        Assert.Equal(request.OrderGroupId.ToString(), (string?)intent["metadata"]!["order_group_id"]);
        var lapses = DateTimeOffset.FromUnixTimeSeconds((long)intent["latest_charge"]!["payment_method_details"]!["card"]!["capture_before"]!);
        Assert.Equal(lapses, await CaptureBeforeAsync(payment.PaymentId));
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", "generic_decline", "Your card was declined.")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient funds.")]
    public async Task A_card_stripe_declines_is_declined_with_stripes_decline_code_and_message(string method, string code, string message)
    {
        var result = await host.AuthorizeAsync(PaymentsHost.Request(method));

        var payment = result.Payment!;
        Assert.Equal(PaymentStatus.Declined, payment.Status);
        Assert.Equal(new PaymentDecline(code, message), payment.Decline);
        Assert.Equal(["PaymentFailed"], await host.EventsAsync(payment.PaymentId));
        Assert.Equal("requires_payment_method", (string?)host.Stripe.IntentJson(host.IntentOf(payment.PaymentId))["status"]);
    }

    [Fact]
    public async Task An_unknown_payment_method_is_declined_as_resource_missing_and_stripe_makes_no_intent()
    {
        var result = await host.AuthorizeAsync(PaymentsHost.Request("pm_card_unknownToStripe"));

        Assert.Equal(PaymentStatus.Declined, result.Payment!.Status);
        Assert.Equal("resource_missing", result.Payment.Decline!.Code);
        Assert.Empty(host.Stripe.IntentsWithMetadata("payment_id", result.Payment.PaymentId.ToString()));
    }

    [Fact]
    public async Task A_card_that_needs_3D_Secure_hands_the_client_stripes_client_secret_and_next_action_with_no_sandbox_route()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var intent = host.Stripe.IntentJson(host.IntentOf(payment.PaymentId));
        Assert.Equal(PaymentStatus.RequiresAction, payment.Status);
        Assert.Equal("use_stripe_sdk", payment.NextAction!.Type);
        Assert.Equal((string?)intent["client_secret"], payment.NextAction.ClientSecret);
        Assert.Null(payment.NextAction.ConfirmationPath);
        Assert.Equal(payment.NextAction, (await host.GetAsync(payment.PaymentId))!.NextAction);
        Assert.Equal(["PaymentActionRequired"], await host.EventsAsync(payment.PaymentId));

        using var client = host.CreateClient();
        var sandbox = await client.PostAsJsonAsync($"/api/v1/payments/sandbox/{payment.PaymentId}/confirm", new { clientSecret = payment.NextAction.ClientSecret, outcome = "Complete" });
        Assert.Equal(System.Net.HttpStatusCode.NotFound, sandbox.StatusCode);
    }

    [Fact]
    public async Task The_same_authorisation_asked_again_after_a_lost_answer_makes_one_intent_at_stripe()
    {
        var request = new ProviderAuthorization(Guid.NewGuid(), Guid.NewGuid(), Money.Of(12m, "EUR"), "pm_card_visa", "b@x.test");

        var first = await host.Provider.AuthorizeAsync(request, CancellationToken.None);
        var again = await host.Provider.AuthorizeAsync(request, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(first.ProviderReference, host.IntentOf(request.PaymentId));
    }

    [Fact]
    public async Task Voiding_cancels_the_intent_and_voiding_an_intent_canceled_already_is_harmless()
    {
        var voided = await host.AuthorizedAsync("pm_card_visa");
        var canceledAtStripe = await host.AuthorizedAsync("pm_card_visa");
        host.Stripe.CancelFromDashboard(host.IntentOf(canceledAtStripe.PaymentId), "duplicate");

        var first = await host.VoidAsync(voided.PaymentId);
        await host.Provider.VoidAsync(voided.PaymentId, host.IntentOf(voided.PaymentId), CancellationToken.None);
        var second = await host.VoidAsync(canceledAtStripe.PaymentId);

        Assert.Equal(PaymentStatus.Canceled, first.Payment!.Status);
        Assert.Equal(PaymentStatus.Canceled, second.Payment!.Status);
        Assert.Equal("canceled", (string?)host.Stripe.IntentJson(host.IntentOf(voided.PaymentId))["status"]);
    }

    [Fact]
    public async Task A_partial_capture_takes_that_much_once_and_refunds_never_exceed_it()
    {
        var payment = await host.AuthorizedAsync("pm_card_visa");
        var intent = host.IntentOf(payment.PaymentId);
        var provider = host.Provider;

        var captured = await provider.CaptureAsync(intent, Money.Of(30m, "EUR"), $"capture:{payment.PaymentId}", CancellationToken.None);
        var capturedAgain = await provider.CaptureAsync(intent, Money.Of(30m, "EUR"), $"capture:{payment.PaymentId}", CancellationToken.None);
        var secondCapture = await Assert.ThrowsAsync<ProviderRefusedException>(() => provider.CaptureAsync(intent, Money.Of(1m, "EUR"), "capture:other", CancellationToken.None));
        var refund = await provider.RefundAsync(intent, Money.Of(20m, "EUR"), "refund:1", CancellationToken.None);
        var refundRetried = await provider.RefundAsync(intent, Money.Of(20m, "EUR"), "refund:1", CancellationToken.None);
        var tooMuch = await Assert.ThrowsAsync<ProviderRefusedException>(() => provider.RefundAsync(intent, Money.Of(10.01m, "EUR"), "refund:2", CancellationToken.None));
        var rest = await provider.RefundAsync(intent, Money.Of(10m, "EUR"), "refund:3", CancellationToken.None);

        Assert.Equal(Money.Of(30m, "EUR"), captured.Captured);
        Assert.Equal(captured, capturedAgain);
        Assert.Equal("payment_intent_unexpected_state", secondCapture.Code);
        Assert.Equal(refund, refundRetried);
        Assert.Equal("amount_too_large", tooMuch.Code);
        Assert.Equal(Money.Of(10m, "EUR"), rest.Refunded);
        Assert.Equal(30 * 100, (long)host.Stripe.IntentJson(intent)["latest_charge"]!["amount_refunded"]!);
    }

    [Fact]
    public async Task Capturing_more_than_is_held_is_refused_and_takes_nothing()
    {
        var payment = await host.AuthorizedAsync("pm_card_visa");
        var intent = host.IntentOf(payment.PaymentId);

        var refused = await Assert.ThrowsAsync<ProviderRefusedException>(
            () => host.Provider.CaptureAsync(intent, Money.Of(49.91m, "EUR"), $"capture:{payment.PaymentId}", CancellationToken.None));

        Assert.Equal("amount_too_large", refused.Code);
        Assert.Equal("requires_capture", (string?)host.Stripe.IntentJson(intent)["status"]);
    }

    private async Task<DateTimeOffset?> CaptureBeforeAsync(Guid paymentId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        return await db.Payments.AsNoTracking().Where(p => p.Id == paymentId).Select(p => p.CaptureBefore).SingleAsync();
    }
}
