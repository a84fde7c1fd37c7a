using Marketplace.Payments.Contracts;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Tests.Ledger;
using Marketplace.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Escrow;

/// <summary>
/// Deal protection on the sandbox: a group's payment is captured once every placed seller order is accepted or
/// cancelled, for the accepted orders' total, exactly once, whatever order Ordering's events arrive in.
/// </summary>
public sealed class EscrowCaptureTests(PaymentsHost host) : IClassFixture<PaymentsHost>
{
    [Fact]
    public async Task A_group_is_captured_for_its_accepted_orders_once_every_seller_has_answered_and_each_seller_is_owed_its_order()
    {
        var group = await GroupOrders.PaidAsync(host, 30.00m, 15.50m, 4.40m);
        await group.PublishAsync(group.Placed(group[0]), group.Placed(group[1]), group.Placed(group[2]));
        await group.PublishAsync(group.Accepted(group[0]), group.Cancelled(group[1]), group.Accepted(group[2]));

        var captured = await group.SettledAsync(PaymentStatus.Captured);

        Assert.Equal(Money.Of(34.40m, "EUR"), captured.Captured);
        Assert.Equal(["PaymentAuthorized", "PaymentCaptured"], await host.EventsAsync(group.Payment.PaymentId));
        var shares = await LedgerBooks.SellerSharesAsync(host, group.Payment.PaymentId);
        Assert.Equal(new Dictionary<Guid, long> { [group[0].SellerId] = 3000, [group[2].SellerId] = 440 }, shares);
        var transaction = Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        Assert.Equal($"capture:{group.Payment.PaymentId}", transaction.Key);
        Assert.Equal(3440, transaction.Entries.Single(e => e.AccountKind == LedgerAccountKind.ProviderBalance && e.Account == "provider:sandbox").Amount);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Nothing_is_captured_while_one_seller_has_not_answered()
    {
        var group = await GroupOrders.PaidAsync(host, 20m, 10m);
        await group.PublishAsync(group.Placed(group[0]), group.Placed(group[1]), group.Accepted(group[0]));
        await group.SeenAsync((group[0], 2), (group[1], 1));

        // Every event is applied; a few scheduler passes later the payment is still only held.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SweepAsync()));
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(group.Payment.PaymentId))!.Status);
        Assert.Empty(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));

        await group.PublishAsync(group.Accepted(group[1]));
        var captured = await group.SettledAsync(PaymentStatus.Captured);
        Assert.Equal(Money.Of(30m, "EUR"), captured.Captured);
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task A_group_whose_every_order_is_cancelled_is_voided_and_books_nothing()
    {
        var group = await GroupOrders.PaidAsync(host, 12m, 8m);
        await group.PublishAsync(group.Placed(group[0]), group.Placed(group[1]), group.Cancelled(group[0]), group.Cancelled(group[1]));

        var voided = await group.SettledAsync(PaymentStatus.Canceled);

        Assert.Equal(PaymentCancelReason.Voided, voided.CancelReason);
        Assert.Null(voided.Captured);
        Assert.Empty(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
    }

    [Fact]
    public async Task Events_that_arrive_late_twice_and_out_of_order_capture_once_for_the_orders_as_they_last_stand()
    {
        var group = await GroupOrders.PaidAsync(host, 25m, 5m, 20m);

        // Newest first, repeats, and an older "placed" after the cancellation: versions decide, not arrival.
        await group.PublishAsync(
            group.Accepted(group[0]),
            group.Cancelled(group[1], version: 3),
            group.Accepted(group[1], version: 2),
            group.Accepted(group[0]),
            group.Placed(group[0]),
            group.Placed(group[1]),
            group.Placed(group[2]));
        await group.SeenAsync((group[0], 2), (group[1], 3), (group[2], 1));
        Assert.Equal(PaymentStatus.Authorized, (await host.GetAsync(group.Payment.PaymentId))!.Status);

        await group.PublishAsync(group.Accepted(group[2]), group.Accepted(group[2]), group.Placed(group[2]));
        var captured = await group.SettledAsync(PaymentStatus.Captured);

        Assert.Equal(Money.Of(45m, "EUR"), captured.Captured);
        var recorded = await group.RecordedAsync();
        Assert.Equal(EscrowOrderStatus.Cancelled, recorded.Single(o => o.OrderId == group[1].OrderId).Status);
        Assert.Equal(ToSorted(group[0].OrderId, group[2].OrderId), recorded.Where(o => o.InCapture).Select(o => o.OrderId).Order().ToList());
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        Assert.Equal(["PaymentAuthorized", "PaymentCaptured"], await host.EventsAsync(group.Payment.PaymentId));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    [Fact]
    public async Task Many_deciders_at_once_capture_exactly_once()
    {
        var group = await GroupOrders.PaidAsync(host, 10m, 10m, 10m, 10m);
        await group.PublishAsync(group.Orders.Select(o => (object)group.Placed(o)).ToArray());
        await group.SeenAsync(group.Orders.Select(o => (o, 1)).ToArray());

        // Every seller accepts at the same moment, while twenty deciders (consumers, schedulers of other replicas) race.
        var accepts = group.PublishAsync(group.Orders.Select(o => (object)group.Accepted(o)).ToArray());
        var racers = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; round < 20; round++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<EscrowCapture>().SettleAsync(group.Payment.OrderGroupId, dueNow: false, CancellationToken.None);
            }
        }));
        await Task.WhenAll(racers.Append(accepts));

        var captured = await group.SettledAsync(PaymentStatus.Captured);
        Assert.Equal(Money.Of(40m, "EUR"), captured.Captured);
        Assert.Single(await LedgerBooks.OfPaymentAsync(host, group.Payment.PaymentId));
        Assert.Equal(["PaymentAuthorized", "PaymentCaptured"], await host.EventsAsync(group.Payment.PaymentId));
        await LedgerBooks.AssertBalancedAsync(host);
    }

    private Task<int> SweepAsync() =>
        host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CaptureScheduler>().Single().SweepOnceAsync(CancellationToken.None);

    private static List<Guid> ToSorted(params Guid[] ids) => ids.Order().ToList();
}
