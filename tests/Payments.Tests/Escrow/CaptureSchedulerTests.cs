using Marketplace.Payments.Contracts;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Escrow;

/// <summary>
/// The capture scheduler on the sandbox (whose authorisations last seven days, as Stripe's do): it captures what is
/// accepted before <c>capture_before</c>, resumes a capture a crash interrupted, and records a lapse.
/// </summary>
public sealed class CaptureSchedulerTests(PaymentsHost host) : IClassFixture<PaymentsHost>
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(7);
    private static readonly TimeSpan Margin = TimeSpan.FromHours(24);

    [Fact]
    public async Task When_capture_before_less_the_safety_margin_comes_the_accepted_orders_are_captured_and_the_waiting_one_is_left_out()
    {
        var group = await GroupOrders.PaidAsync(host, 18m, 7.25m);
        Assert.NotNull(group.Payment.CaptureBefore);
        await group.PublishAsync(group.Placed(group[0]), group.Placed(group[1]), group.Accepted(group[0]));
        await group.SeenAsync((group[0], 2), (group[1], 1));

        host.Clock.Advance(Validity - Margin + TimeSpan.FromMinutes(1));
        var captured = await group.SettledAsync(PaymentStatus.Captured);

        Assert.Equal(PaymentStatus.Captured, captured.Status);
        Assert.True(host.Clock.GetUtcNow() < captured.CaptureBefore);
        Assert.Equal(Money.Of(18m, "EUR"), captured.Captured);
        Assert.Equal(new Dictionary<Guid, long> { [group[0].SellerId] = 1800 }, await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId));
        // Published events older than the outbox's retention are purged, and the clock moved days: only what follows the
        // move remains, once the relay's purge has run (its own pass, so polled for).
        Assert.Equal(["PaymentCaptured"], await Eventually.ReadAsync(() => host.EventsAsync(group.Payment.PaymentId), e => e.SequenceEqual(["PaymentCaptured"])));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task An_authorisation_that_no_seller_accepted_lapses_at_capture_before_and_says_so()
    {
        var group = await GroupOrders.PaidAsync(host, 9.99m);
        await group.PublishAsync(group.Placed(group[0]));
        await group.SeenAsync((group[0], 1));

        host.Clock.Advance(Validity - Margin + TimeSpan.FromMinutes(1));
        await SweepAsync();
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(group.Payment.PaymentId))!.Status);

        host.Clock.Advance(Margin);
        var lapsed = await group.SettledAsync(PaymentStatus.Lapsed);

        Assert.Equal(PaymentStatus.Lapsed, lapsed.Status);
        Assert.Null(lapsed.Captured);
        // Published events older than the outbox's retention are purged, and the clock moved days: only what follows the
        // move remains, once the relay's purge has run (its own pass, so polled for).
        Assert.Equal(["PaymentAuthorizationLapsed"], await Eventually.ReadAsync(() => host.EventsAsync(group.Payment.PaymentId), e => e.SequenceEqual(["PaymentAuthorizationLapsed"])));
        Assert.Empty(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
    }

    [Fact]
    public async Task A_capture_decided_but_never_sent_because_the_process_died_is_resumed_and_booked_once()
    {
        var group = await GroupOrders.PaidAsync(host, 11m, 4m);

        // What EscrowCapture writes before it asks the provider, and nothing after: the process stopped there.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            foreach (var (order, status) in new[] { (group[0], EscrowOrderStatus.Accepted), (group[1], EscrowOrderStatus.Cancelled) })
            {
                db.EscrowOrders.Add(new EscrowOrder
                {
                    OrderId = order.OrderId, OrderGroupId = group.Payment.OrderGroupId, SellerId = order.SellerId, Number = order.Number,
                    TotalMinor = (long)(order.Total * 100), Currency = "EUR", Status = status, Version = 2, FirstSeenAt = host.Clock.GetUtcNow(),
                    InCapture = status == EscrowOrderStatus.Accepted,
                });
            }

            var payment = await db.Payments.SingleAsync(p => p.Id == group.Payment.PaymentId);
            Assert.True(payment.DecideCapture(11m, host.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }

        Assert.Equal(PaymentStatus.Capturing, (await host.GetAsync(group.Payment.PaymentId))!.Status);
        host.Clock.Advance(TimeSpan.FromSeconds(4));
        var captured = await group.SettledAsync(PaymentStatus.Captured);

        Assert.Equal(Money.Of(11m, "EUR"), captured.Captured);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SweepAsync()));
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        Assert.Single(await host.EventsAsync(group.Payment.PaymentId), e => e == "PaymentCaptured");
        await LedgerBooks.AssertBalancedAsync(host);
    }

    private Task<int> SweepAsync() =>
        host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CaptureScheduler>().Single().SweepOnceAsync(CancellationToken.None);
}
