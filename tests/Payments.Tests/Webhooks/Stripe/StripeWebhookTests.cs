using System.Net;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Tests.Providers.Stripe;
using Marketplace.Payments.Webhooks.Stripe;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Webhooks.Stripe;

/// <summary>Stripe's webhook through the real host: signatures, duplicates, reorderings, stale payloads and intents we never made.</summary>
public sealed class StripeWebhookTests(StripeHost host) : IClassFixture<StripeHost>
{
    [Fact]
    public async Task A_signed_event_after_3D_Secure_authorises_the_payment_and_publishes_once()
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.CompleteAction(intent);

        var response = await host.PostSignedAsync(host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(payment))!.Status);
        Assert.Equal(["PaymentActionRequired", "PaymentAuthorized"], await host.EventsAsync(payment));
    }

    [Fact]
    public async Task A_failed_3D_Secure_declines_the_payment_with_stripes_authentication_failure()
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.FailAction(intent);

        var response = await host.PostSignedAsync(host.Stripe.EventAbout("payment_intent.payment_failed", intent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = (await host.GetAsync(payment))!;
        Assert.Equal(PaymentStatus.Declined, state.Status);
        Assert.Equal("payment_intent_authentication_failure", state.Decline!.Code);
        Assert.Equal(["PaymentActionRequired", "PaymentFailed"], await host.EventsAsync(payment));
    }

    [Fact]
    public async Task The_same_event_three_times_makes_one_transition_and_one_inbox_record()
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.CompleteAction(intent);
        var stripeEvent = host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent);
        var inboxBefore = await InboxRecordsAsync();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await host.PostSignedAsync(stripeEvent));
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(["PaymentActionRequired", "PaymentAuthorized"], await host.EventsAsync(payment));
        Assert.Equal(inboxBefore + 1, await InboxRecordsAsync());
    }

    [Fact]
    public async Task Events_in_reverse_order_leave_the_payment_where_stripe_says_it_is()
    {
        var (payment, intent) = await WaitingForActionAsync();
        var actionRequired = host.Stripe.EventAbout("payment_intent.requires_action", intent);
        host.Stripe.CompleteAction(intent);
        var capturable = host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent);
        host.Stripe.CancelFromDashboard(intent, "abandoned");
        var canceled = host.Stripe.EventAbout("payment_intent.canceled", intent);

        foreach (var stripeEvent in new[] { canceled, capturable, actionRequired })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(stripeEvent)).StatusCode);
        }

        var state = (await host.GetAsync(payment))!;
        Assert.Equal(PaymentStatus.Canceled, state.Status);
        Assert.Equal(PaymentCancelReason.ActionAbandoned, state.CancelReason);
        Assert.Equal(["PaymentActionRequired", "PaymentCanceled"], await host.EventsAsync(payment));
    }

    [Fact]
    public async Task An_event_whose_payload_is_stale_is_not_trusted_the_intent_is_read_again()
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.CompleteAction(intent);
        var saysCapturable = host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent);
        host.Stripe.CancelFromDashboard(intent, "requested_by_customer");

        await host.PostSignedAsync(saysCapturable);

        Assert.Equal(PaymentStatus.Canceled, (await host.GetAsync(payment))!.Status);
        Assert.Equal(["PaymentActionRequired", "PaymentCanceled"], await host.EventsAsync(payment));
    }

    public static TheoryData<string> BadSignatures() => new() { "wrong secret", "tampered body", "missing header", "garbage header" };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task A_bad_signature_is_a_400_problem_and_changes_nothing(string kind)
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.CompleteAction(intent);
        var stripeEvent = host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent);
        var inboxBefore = await InboxRecordsAsync();

        var response = kind switch
        {
            "wrong secret" => await host.PostEventAsync(stripeEvent, host.Stripe.Sign(stripeEvent, secret: "whsec_someone_else")),
            "tampered body" => await host.PostEventAsync(stripeEvent.Replace("\"livemode\":false", "\"livemode\":true", StringComparison.Ordinal), host.Stripe.Sign(stripeEvent)),
            "missing header" => await host.PostEventAsync(stripeEvent, null),
            _ => await host.PostEventAsync(stripeEvent, "t=abc,v1=nothex"),
        };

        await ProblemAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(PaymentStatus.RequiresAction, (await host.GetAsync(payment))!.Status);
        Assert.Equal(["PaymentActionRequired"], await host.EventsAsync(payment));
        Assert.Equal(inboxBefore, await InboxRecordsAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_webhook_limit_is_a_413_problem_read_no_further_whether_or_not_its_length_is_declared(bool declaresLength)
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.CompleteAction(intent);
        var padded = host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent).TrimEnd().TrimEnd('}')
            + ",\"padding\":\"" + new string('x', 300 * 1024) + "\"}";
        var inboxBefore = await InboxRecordsAsync();

        using var client = host.CreateClient();
        using var content = declaresLength ? (HttpContent)new StringContent(padded) : new StreamContent(new UnknownLengthStream(System.Text.Encoding.UTF8.GetBytes(padded)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeHost.WebhookPath) { Content = content };
        request.Headers.TryAddWithoutValidation(ReceiveStripeEvent.SignatureHeader, host.Stripe.Sign(padded));
        var response = await client.SendAsync(request);

        await ProblemAssertions.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(PaymentStatus.RequiresAction, (await host.GetAsync(payment))!.Status);
        Assert.Equal(inboxBefore, await InboxRecordsAsync());
    }

    [Fact]
    public async Task A_signature_older_than_the_tolerance_is_refused_and_one_within_it_is_accepted()
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.CompleteAction(intent);
        var stripeEvent = host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent);
        var now = host.Clock.GetUtcNow();

        var stale = await host.PostEventAsync(stripeEvent, host.Stripe.Sign(stripeEvent, now - TimeSpan.FromSeconds(301)));
        var unchanged = (await host.GetAsync(payment))!.Status;
        var recent = await host.PostEventAsync(stripeEvent, host.Stripe.Sign(stripeEvent, now - TimeSpan.FromSeconds(200)));

        await ProblemAssertions.AssertProblemAsync(stale, HttpStatusCode.BadRequest);
        Assert.Equal(PaymentStatus.RequiresAction, unchanged);
        Assert.Equal(HttpStatusCode.OK, recent.StatusCode);
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(payment))!.Status);
    }

    [Fact]
    public async Task An_event_about_an_intent_no_payment_of_ours_made_is_acknowledged_and_creates_nothing()
    {
        var stranger = await host.AuthorizeAsync(PaymentsHost.Request("pm_card_visa"));
        var intent = host.IntentOf(stranger.Payment!.PaymentId);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            await db.Payments.Where(p => p.Id == stranger.Payment.PaymentId).ExecuteDeleteAsync();
        }

        var response = await host.PostSignedAsync(host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await host.PaymentsForAsync(stranger.Payment.OrderGroupId));
        Assert.Contains(host.Logs.Lines, line => line.Contains(intent, StringComparison.Ordinal) && line.Contains("nothing created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payment_already_declined_releases_an_intent_the_customer_authorised_afterwards()
    {
        var (payment, intent) = await WaitingForActionAsync();
        host.Stripe.FailAction(intent);
        await host.PostSignedAsync(host.Stripe.EventAbout("payment_intent.payment_failed", intent));
        host.Stripe.ConfirmAgainAndAuthorise(intent);

        await host.PostSignedAsync(host.Stripe.EventAbout("payment_intent.amount_capturable_updated", intent));

        Assert.Equal(PaymentStatus.Declined, (await host.GetAsync(payment))!.Status);
        Assert.Equal("canceled", (string?)host.Stripe.IntentJson(intent)["status"]);
        Assert.Equal(["PaymentActionRequired", "PaymentFailed"], await host.EventsAsync(payment));
    }

    private async Task<(Guid Payment, string Intent)> WaitingForActionAsync()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");
        return (payment.PaymentId, host.IntentOf(payment.PaymentId));
    }

    private async Task<int> InboxRecordsAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        return await db.InboxMessages.CountAsync(m => m.Consumer == ReceiveStripeEvent.Consumer);
    }
}

/// <summary>A body sent without a Content-Length (chunked), so the limit can only be kept by reading.</summary>
internal sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();
}
