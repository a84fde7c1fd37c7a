using System.Net;
using System.Net.Http.Json;
using Marketplace.Payments.Contracts;

namespace Marketplace.Payments.Tests;

/// <summary>The main payment flow on the embedded profile (SQLite, in-memory bus), as `dotnet run --project api` serves it.</summary>
public sealed class EmbeddedPaymentsSmokeTests(EmbeddedPaymentsHost host) : IClassFixture<EmbeddedPaymentsHost>
{
    [Fact]
    public async Task On_the_embedded_profile_a_payment_needing_3ds_is_authorised_once_the_step_is_completed()
    {
        var payment = await host.AuthorizedAsync("pm_card_authenticationRequired");

        var answer = await host.CreateClient().PostAsJsonAsync(payment.NextAction!.ConfirmationPath, new { clientSecret = payment.NextAction.ClientSecret, outcome = "Complete" });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(payment.PaymentId))!.Status);
        Assert.Equal(["PaymentActionRequired", "PaymentAuthorized"], await host.EventsAsync(payment.PaymentId));
    }

    [Fact]
    public async Task On_the_embedded_profile_concurrent_repeats_make_one_payment_and_an_abandoned_step_is_canceled()
    {
        var request = PaymentsHost.Request("pm_card_authenticationRequired");
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => host.AuthorizeAsync(request))));
        var payment = results[0].Payment!;

        host.Clock.Advance(PaymentsHost.ActionTimeout + TimeSpan.FromSeconds(1));
        var state = await TestSupport.Eventually.ReadAsync(() => host.GetAsync(payment.PaymentId), p => p!.Status == PaymentStatus.Canceled);

        Assert.Single(results.Select(r => r.Payment!.PaymentId).Distinct());
        Assert.Equal(1, await host.PaymentsForAsync(request.OrderGroupId));
        Assert.Equal(PaymentStatus.Canceled, state!.Status);
        Assert.Equal(["PaymentActionRequired", "PaymentCanceled"], await host.EventsAsync(payment.PaymentId));
    }
}
