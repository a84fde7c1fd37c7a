using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Providers;
using Marketplace.TestSupport;

namespace Marketplace.Payments.Tests.Sandbox;

/// <summary>The sandbox's confirmation route, through HTTP on PostgreSQL: the client completes or fails the 3-D Secure step.</summary>
public sealed class ConfirmTests(PaymentsHost host) : IClassFixture<PaymentsHost>
{
    private Task<HttpResponseMessage> ConfirmAsync(PaymentState payment, string outcome, string? secret = null) =>
        host.CreateClient().PostAsJsonAsync(payment.NextAction!.ConfirmationPath, new { clientSecret = secret ?? payment.NextAction.ClientSecret, outcome });

    [Fact]
    public async Task Completing_the_step_authorises_the_payment_and_publishes_payment_authorized()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var answer = await ConfirmAsync(payment, "Complete");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Authorized", body.GetProperty("status").GetString());
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(payment.PaymentId))!.Status);
        Assert.Equal(["PaymentActionRequired", "PaymentAuthorized"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task Failing_the_step_declines_the_payment_and_publishes_payment_failed()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var answer = await ConfirmAsync(payment, "Fail");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var state = (await host.GetAsync(payment.PaymentId))!;
        Assert.Equal(PaymentStatus.Declined, state.Status);
        Assert.Equal("payment_intent_authentication_failure", state.Decline!.Code);
        Assert.Equal(["PaymentActionRequired", "PaymentFailed"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task A_card_that_declines_after_authentication_is_declined_with_its_code_once_the_step_is_completed()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds");

        var answer = await ConfirmAsync(payment, "Complete");

        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Declined", body.GetProperty("status").GetString());
        Assert.Equal("insufficient_funds", body.GetProperty("decline").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Repeating_or_changing_the_answer_reads_the_first_outcome_and_publishes_nothing_more()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");
        await ConfirmAsync(payment, "Complete");

        var repeat = await ConfirmAsync(payment, "Complete");
        var changed = await ConfirmAsync(payment, "Fail");

        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("Authorized", (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(["PaymentActionRequired", "PaymentAuthorized"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task Completing_and_failing_at_the_same_moment_gives_one_outcome_and_one_event()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");
        using var bothRead = new Barrier(2);
        var complete = new ProviderAnswer(ProviderStatus.Authorized, "pi");
        var fail = new ProviderAnswer(ProviderStatus.Declined, "pi", "payment_intent_authentication_failure", "failed");

        // Each transition waits, once, until both have read the same version, so both try to write over it.
        Func<ProviderAnswer, Func<Domain.Payment, DateTimeOffset, object?>> racing = answer =>
        {
            var waited = 0;
            return (p, now) =>
            {
                if (Interlocked.Exchange(ref waited, 1) == 0)
                {
                    bothRead.SignalAndWait(TimeSpan.FromSeconds(30));
                }

                return p.CompleteAction(answer, now);
            };
        };
        var outcomes = await Task.WhenAll(
            Task.Run(() => host.WithCashierAsync(c => c.TransitionAsync(payment.PaymentId, racing(complete), CancellationToken.None))),
            Task.Run(() => host.WithCashierAsync(c => c.TransitionAsync(payment.PaymentId, racing(fail), CancellationToken.None))));

        Assert.Single(outcomes, o => o.Changed);
        Assert.Single(outcomes.Select(o => o.Payment.Status).Distinct());
        var events = await host.EventsAsync(payment.PaymentId);
        Assert.Equal(2, events.Count);
        Assert.Equal(outcomes[0].Payment.Status == PaymentStatus.Authorized ? "PaymentAuthorized" : "PaymentFailed", events[1]);
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_payment_is_404_and_changes_nothing()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");
        var other = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var wrong = await ConfirmAsync(payment, "Complete", secret: other.NextAction!.ClientSecret);
        var unknown = await host.CreateClient().PostAsJsonAsync(
            $"/api/v1/payments/sandbox/{Guid.NewGuid()}/confirm", new { clientSecret = payment.NextAction!.ClientSecret, outcome = "Complete" });

        await ProblemAssertions.AssertProblemAsync(wrong, HttpStatusCode.NotFound);
        await ProblemAssertions.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(PaymentStatus.RequiresAction, (await host.GetAsync(payment.PaymentId))!.Status);
        Assert.Equal(["PaymentActionRequired"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task A_payment_that_needs_no_action_cannot_be_opened_by_the_confirmation_route()
    {
        var payment = await host.AuthorizedAsync("pm_card_visa");

        var answer = await host.CreateClient().PostAsJsonAsync(
            $"/api/v1/payments/sandbox/{payment.PaymentId}/confirm", new { clientSecret = "pi_sandbox_x_secret_y", outcome = "Fail" });

        await ProblemAssertions.AssertProblemAsync(answer, HttpStatusCode.NotFound);
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(payment.PaymentId))!.Status);
    }

    [Theory]
    [InlineData("{\"outcome\":\"Complete\"}", "clientSecret")]
    [InlineData("{\"clientSecret\":\"s\"}", "outcome")]
    public async Task A_confirmation_missing_a_field_is_400_naming_it(string body, string field)
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var answer = await host.CreateClient().PostAsync(
            payment.NextAction!.ConfirmationPath, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await answer.AssertValidationProblemAsync(field);
        Assert.Equal(PaymentStatus.RequiresAction, (await host.GetAsync(payment.PaymentId))!.Status);
    }
}
