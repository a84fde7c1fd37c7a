using System.Net;
using System.Net.Http.Json;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task On_the_embedded_profile_Orderings_events_reach_payments_and_the_accepted_order_is_captured_and_booked()
    {
        var group = await Escrow.GroupOrders.PaidAsync(host, 21m, 4m);

        var captured = await group.CapturedAsync(accepted: 1);

        Assert.Equal(Platform.Money.Of(21m, "EUR"), captured.Captured);
        Assert.Equal(new Dictionary<Guid, long> { [group[0].SellerId] = 2100 }, await Ledger.LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId));
        await Ledger.LedgerBooks.AssertBalancedAsync(host);

        // SQLite issues the invoice (its counter without row locks: one writer at a time) and reconciles the sandbox's balance.
        var invoice = await TestSupport.Eventually.ReadAsync(
            async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
                return await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.OrderId == group[0].OrderId);
            },
            i => i is not null);
        Assert.Equal((group[0].SellerId, 1L), (invoice!.SellerId, invoice.Number));
        host.Clock.Advance(TimeSpan.FromMinutes(6));
        var report = await Reconciliation.ReconciliationBooks.RunAsync(host);
        // Matched counts this class's other movements too (the payout test's capture and transfer share the host).
        Assert.Equal(0, report.DifferenceCount);
        Assert.True(report.Matched >= 1, $"matched {report.Matched}");
    }

    [Fact]
    public async Task On_the_embedded_profile_a_delivered_order_is_paid_to_the_sellers_sandbox_account_after_its_window()
    {
        var seller = await TestSupport.IdentityFlows.CreateSellerAsync(host.CreateClient(), "Embedded Payout Seller");
        await Payouts.Payouts.OnboardAsync(host, seller);
        var group = await Payouts.Payouts.DeliveredAsync(host, seller.SellerId, 15m, host.Clock.GetUtcNow() - TimeSpan.FromDays(2));

        await Payouts.Payouts.RunAsync(host);

        Assert.Equal(1500, Assert.Single(await Payouts.Payouts.PaidAsync(host, group[0].OrderId)).AmountMinor);
        Assert.Equal(0, await Payouts.Payouts.BalanceAsync(host, seller));
        await Ledger.LedgerBooks.AssertBalancedAsync(host);
    }
}
