using System.Net;
using System.Net.Http.Json;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Domain;
using Marketplace.Payments.Persistence;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Expiry;

/// <summary>
/// An abandoned 3-D Secure step: after Payments:ActionTimeout the sweeper cancels the payment and publishes
/// PaymentCanceled, and a confirmation racing it gets exactly one outcome. Time is moved with the host's clock.
/// </summary>
public sealed class AbandonedActionTests(PaymentsHost host) : IClassFixture<PaymentsHost>
{
    [Fact]
    public async Task An_action_left_past_its_timeout_is_canceled_by_the_sweeper_and_publishes_payment_canceled()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        host.Clock.Advance(PaymentsHost.ActionTimeout + TimeSpan.FromSeconds(1));
        var state = await Eventually.ReadAsync(() => host.GetAsync(payment.PaymentId), p => p!.Status == PaymentStatus.Canceled);

        Assert.Equal(PaymentStatus.Canceled, state!.Status);
        Assert.Equal(PaymentCancelReason.ActionAbandoned, state.CancelReason);
        Assert.Equal(["PaymentActionRequired", "PaymentCanceled"], await host.EventsAsync(payment.PaymentId));
        var late = await host.CreateClient().PostAsJsonAsync(payment.NextAction!.ConfirmationPath, new { clientSecret = payment.NextAction.ClientSecret, outcome = "Complete" });
        await late.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["PaymentActionRequired", "PaymentCanceled"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task An_action_within_its_timeout_is_left_alone_by_the_sweeper()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        host.Clock.Advance(PaymentsHost.ActionTimeout - TimeSpan.FromMinutes(1));
        await host.SweepAsync();

        Assert.Equal(PaymentStatus.RequiresAction, (await host.GetAsync(payment.PaymentId))!.Status);
        var answer = await host.CreateClient().PostAsJsonAsync(payment.NextAction!.ConfirmationPath, new { clientSecret = payment.NextAction.ClientSecret, outcome = "Complete" });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task Confirmations_racing_sweepers_at_the_deadline_give_each_payment_exactly_one_outcome()
    {
        var payments = new List<PaymentState>();
        for (var i = 0; i < 10; i++)
        {
            payments.Add(await host.AuthorizedAsync("pm_card_authenticationRequired"));
        }

        // The deadline passes while the customers answer and two replicas sweep: who wins differs per payment.
        var client = host.CreateClient();
        var confirms = payments.Select(p => Task.Run(() => client.PostAsJsonAsync(
            p.NextAction!.ConfirmationPath, new { clientSecret = p.NextAction.ClientSecret, outcome = "Complete" }))).ToList();
        host.Clock.Advance(PaymentsHost.ActionTimeout);
        var sweeps = Enumerable.Range(0, 2).Select(_ => Task.Run(host.SweepAsync)).ToList();
        var answers = await Task.WhenAll(confirms);
        await Task.WhenAll(sweeps);

        for (var i = 0; i < payments.Count; i++)
        {
            var state = (await host.GetAsync(payments[i].PaymentId))!;
            var events = await host.EventsAsync(payments[i].PaymentId);
            var expected = state.Status == PaymentStatus.Authorized ? (HttpStatusCode.OK, "PaymentAuthorized") : (HttpStatusCode.Conflict, "PaymentCanceled");
            Assert.Contains(state.Status, new[] { PaymentStatus.Authorized, PaymentStatus.Canceled });
            Assert.Equal(["PaymentActionRequired", expected.Item2], events);
            Assert.Equal(expected.Item1, answers[i].StatusCode);
        }
    }

    [Fact]
    public async Task An_authorisation_a_crash_left_without_the_providers_answer_is_finished_by_the_sweeper()
    {
        var request = PaymentsHost.Request("pm_card_visa");
        Guid paymentId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // What a crash between recording the payment and hearing from the provider leaves behind.
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            var stalled = Payment.Start(request, "sandbox", host.Clock.GetUtcNow());
            db.Payments.Add(stalled);
            await db.SaveChangesAsync();
            paymentId = stalled.Id;
        }

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var state = await Eventually.ReadAsync(() => host.GetAsync(paymentId), p => p!.Status != PaymentStatus.Authorizing);

        Assert.Equal(PaymentStatus.Authorized, state!.Status);
        Assert.Equal(["PaymentAuthorized"], await host.EventsAsync(paymentId));
        Assert.Equal(state, (await host.AuthorizeAsync(request)).Payment);
    }
}
