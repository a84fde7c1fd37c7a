using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Refunds;
using Marketplace.Payments.Tests.Escrow;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Refunds;

/// <summary>
/// Refunds of a seller order's captured share on the sandbox: booked in balance, never above the capture whatever runs
/// concurrently, once per refund id, and in full when the order is cancelled after its capture.
/// </summary>
public sealed class RefundTests(PaymentsHost host) : IClassFixture<PaymentsHost>
{
    [Fact]
    public async Task A_partial_refund_takes_the_amount_back_from_the_seller_and_the_provider_balance_in_a_balanced_transaction()
    {
        var group = await GroupOrders.PaidAsync(host, 30.00m, 12.00m);
        await group.CapturedAsync(accepted: 2);
        var refundId = Guid.NewGuid();

        var result = await RefundAsync(new RefundPayment(refundId, group[0].OrderId, Money.Of(7.25m, "EUR"), "Scratched lid"));

        Assert.Equal(RefundOutcome.Refunded, result.Outcome);
        Assert.Equal(Money.Of(7.25m, "EUR"), result.Refunded);
        Assert.Equal(Money.Of(22.75m, "EUR"), result.Refundable);
        var booked = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);
        Assert.Equal($"refund:{refundId}", booked.Key);
        Assert.Equal(-725, booked.Entries.Single(e => e.AccountKind == LedgerAccountKind.ProviderBalance).Amount);
        Assert.Equal(725, booked.Entries.Single(e => e.AccountKind == LedgerAccountKind.SellerPayable && e.SellerId == group[0].SellerId).Amount);
        var shares = await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId);
        Assert.Equal(3000 - 725, shares[group[0].SellerId]);
        Assert.Equal(1200, shares[group[1].SellerId]);
        Assert.Contains("PaymentRefunded", await host.EventsAsync(refundId));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Concurrent_refunds_of_one_order_never_add_up_to_more_than_its_capture()
    {
        var group = await GroupOrders.PaidAsync(host, 30.00m);
        await group.CapturedAsync(accepted: 1);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(4.00m, "EUR"), null))));

        Assert.Equal(7, results.Count(r => r.Outcome == RefundOutcome.Refunded));
        Assert.Equal(3, results.Count(r => r.Outcome == RefundOutcome.ExceedsCapture));
        var refunded = (await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId))
            .Where(t => t.Kind == RefundBooking.Kind)
            .Sum(t => t.Entries.Single(e => e.AccountKind == LedgerAccountKind.ProviderBalance).Amount);
        Assert.Equal(-2800, refunded);
        var last = await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(2.01m, "EUR"), null));
        Assert.Equal(RefundOutcome.ExceedsCapture, last.Outcome);
        Assert.Equal(Money.Of(2.00m, "EUR"), last.Refundable);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Asking_again_with_the_same_refund_id_refunds_once_and_another_amount_under_it_is_a_conflict()
    {
        var group = await GroupOrders.PaidAsync(host, 20.00m);
        await group.CapturedAsync(accepted: 1);
        var request = new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(5m, "EUR"), null);

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RefundAsync(request)));

        Assert.All(answers, a => Assert.Equal(RefundOutcome.Refunded, a.Outcome));
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);
        Assert.Equal(RefundOutcome.Conflict, (await RefundAsync(request with { Amount = Money.Of(6m, "EUR") })).Outcome);
        Assert.Equal(1500, (await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId))[group[0].SellerId]);
    }

    [Fact]
    public async Task The_same_refund_of_everything_captured_asked_at_once_is_one_refund_and_every_caller_hears_refunded()
    {
        // Found by the lifecycle property test: the twin that waited on the first one's row lock saw nothing left and
        // answered "exceeds the capture" for a refund that had just been made under its own id.
        var group = await GroupOrders.PaidAsync(host, 16.40m);
        await group.CapturedAsync(accepted: 1);
        var request = new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(16.40m, "EUR"), null);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RefundAsync(request)));

        Assert.All(answers, a => Assert.Equal(RefundOutcome.Refunded, a.Outcome));
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId), t => t.Kind == RefundBooking.Kind);
        Assert.Equal(0, (await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId))[group[0].SellerId]);
    }

    [Fact]
    public async Task A_refund_before_the_capture_is_refused_and_changes_nothing()
    {
        var group = await GroupOrders.PaidAsync(host, 20.00m, 5.00m);
        await group.PublishAsync(group.Placed(group[0]), group.Placed(group[1]), group.Accepted(group[0]));
        await group.SeenAsync((group[0], 2), (group[1], 1));

        var result = await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(5m, "EUR"), null));

        Assert.Equal(RefundOutcome.NotCaptured, result.Outcome);
        Assert.Empty(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
    }

    [Fact]
    public async Task An_order_cancelled_after_its_capture_is_refunded_what_is_left_of_its_share_once()
    {
        var group = await GroupOrders.PaidAsync(host, 18.00m, 7.00m);
        await group.CapturedAsync(accepted: 2);
        Assert.Equal(RefundOutcome.Refunded, (await RefundAsync(new RefundPayment(Guid.NewGuid(), group[0].OrderId, Money.Of(3m, "EUR"), null))).Outcome);

        var cancelled = group.Cancelled(group[0], version: 3) with { Transition = "Cancel" };
        await group.PublishAsync(cancelled, cancelled);

        var refundId = RefundDesk.CancellationRefundId(group[0].OrderId);
        await Eventually.ReadAsync(() => host.EventsAsync(refundId), events => events.Contains("PaymentRefunded"));
        var shares = await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId);
        Assert.Equal(0, shares[group[0].SellerId]);
        Assert.Equal(700, shares[group[1].SellerId]);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var refunds = await db.Refunds.AsNoTracking().Where(r => r.OrderId == group[0].OrderId).ToListAsync();
        Assert.Equal(2, refunds.Count);
        Assert.Equal(1500, refunds.Single(r => r.ForCancellation).AmountMinor);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public void The_commission_comes_back_in_proportion_and_whole_once_the_share_is()
    {
        // A share of 1000 with 333 commission, refunded in three unequal parts.
        var parts = new[] { (0L, 100L), (100L, 550L), (550L, 1000L) }.Select(p => RefundBooking.CommissionPart(333, 1000, p.Item1, p.Item2)).ToList();

        Assert.Equal([33, 150, 150], parts);
        Assert.Equal(333, parts.Sum());
        Assert.Equal(0, RefundBooking.CommissionPart(0, 1000, 0, 500));
    }

    private async Task<RefundResult> RefundAsync(RefundPayment request)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().RefundAsync(request, CancellationToken.None);
    }
}
