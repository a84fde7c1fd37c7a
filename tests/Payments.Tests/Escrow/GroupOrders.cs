using MassTransit;
using Marketplace.Ordering.Contracts;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Persistence;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Tests.Escrow;

/// <summary>One seller order of a test group.</summary>
public sealed record TestOrder(Guid OrderId, Guid SellerId, string Number, decimal Total);

/// <summary>
/// A paid order group and its seller orders, moved by publishing Ordering's own contract events on the host's bus, as
/// Ordering does: Payments hears them the way it does in production.
/// </summary>
public sealed class GroupOrders
{
    private readonly PaymentsHost _host;

    private GroupOrders(PaymentsHost host, PaymentState payment, IReadOnlyList<TestOrder> orders)
    {
        _host = host;
        Payment = payment;
        Orders = orders;
    }

    public PaymentState Payment { get; }

    public IReadOnlyList<TestOrder> Orders { get; }

    public TestOrder this[int index] => Orders[index];

    /// <summary>Authorises the orders' total for a new group, one order per total, each of its own seller.</summary>
    public static Task<GroupOrders> PaidAsync(PaymentsHost host, params decimal[] totals) =>
        PaidAsync(host, totals.Select(t => (Guid.NewGuid(), t)).ToArray());

    /// <summary>Authorises the orders' total for a new group, one order per (seller, total).</summary>
    public static async Task<GroupOrders> PaidAsync(PaymentsHost host, params (Guid SellerId, decimal Total)[] orders)
    {
        var groupId = Guid.NewGuid();
        var result = await host.AuthorizeAsync(PaymentsHost.Request("pm_card_visa", orders.Sum(o => o.Total), groupId));
        Assert.Equal(PaymentStatus.Authorized, result.Payment!.Status);
        var made = orders.Select((o, i) => new TestOrder(Guid.NewGuid(), o.SellerId, $"T-{groupId.ToString()[..8]}-{i + 1}", o.Total)).ToList();
        return new GroupOrders(host, result.Payment, made);
    }

    /// <summary>Places every order, has the first <paramref name="accepted"/> accepted and the rest cancelled, and waits for the capture.</summary>
    public async Task<PaymentState> CapturedAsync(int accepted)
    {
        await PublishAsync(Orders.Select(o => (object)Placed(o)).ToArray());
        await PublishAsync(Orders.Select((o, i) => i < accepted ? (object)Accepted(o) : Cancelled(o)).ToArray());
        var state = await SettledAsync(PaymentStatus.Captured);
        Assert.Equal(PaymentStatus.Captured, state.Status);
        return state;
    }

    public OrderPlaced Placed(TestOrder order, int version = 1) =>
        new(order.OrderId, Payment.OrderGroupId, order.Number, order.SellerId, null, Money.Of(order.Total, "EUR"), Payment.CreatedAt, version, Payment.CreatedAt);

    /// <summary>The placement with the order's lines, each (category, line total), as Ordering publishes it.</summary>
    public OrderPlaced Placed(TestOrder order, params (Guid CategoryId, decimal LineTotal)[] lines) =>
        Placed(order) with { Lines = lines.Select(l => new OrderPlacedLine(Guid.NewGuid(), l.CategoryId, Money.Of(l.LineTotal, "EUR"))).ToList() };

    /// <summary>The carrier delivered the order (or the customer confirmed it) at <paramref name="at"/>.</summary>
    public OrderDelivered Delivered(TestOrder order, DateTimeOffset at, bool byCustomer = false, int version = 4) =>
        new(order.OrderId, Payment.OrderGroupId, order.Number, order.SellerId, null, Money.Of(order.Total, "EUR"), Payment.CreatedAt, byCustomer, version, at);

    public OrderAccepted Accepted(TestOrder order, int version = 2) =>
        new(order.OrderId, Payment.OrderGroupId, order.Number, order.SellerId, null, Money.Of(order.Total, "EUR"), Payment.CreatedAt, version, Payment.CreatedAt);

    public OrderCancelled Cancelled(TestOrder order, int version = 2) =>
        new(order.OrderId, Payment.OrderGroupId, order.Number, order.SellerId, null, Money.Of(order.Total, "EUR"), Payment.CreatedAt, "Reject", "out of stock", true, version, Payment.CreatedAt);

    /// <summary>Publishes each event on the bus, as Ordering's outbox relay does, one after the other.</summary>
    public async Task PublishAsync(params object[] events)
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        foreach (var orderEvent in events)
        {
            await bus.Publish(orderEvent);
        }
    }

    /// <summary>Waits until Payments has recorded every order in the state given (by version), so that what follows sees them.</summary>
    public Task SeenAsync(params (TestOrder Order, int Version)[] expected) =>
        Eventually.ReadAsync(
            async () =>
            {
                await using var scope = _host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
                return await db.EscrowOrders.AsNoTracking().Where(o => o.OrderGroupId == Payment.OrderGroupId).ToListAsync();
            },
            rows => expected.All(e => rows.Any(r => r.OrderId == e.Order.OrderId && r.Version == e.Version)));

    public Task<PaymentState> SettledAsync(PaymentStatus status) =>
        Eventually.ReadAsync(async () => (await _host.GetAsync(Payment.PaymentId))!, p => p.Status == status);

    internal async Task<List<EscrowOrder>> RecordedAsync()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        return await db.EscrowOrders.AsNoTracking().Where(o => o.OrderGroupId == Payment.OrderGroupId).ToListAsync();
    }
}
