using Marketplace.Ordering.Customers;
using Marketplace.Ordering.Lists;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Ordering.Tests;

/// <summary>An order group as the tests arranged it: its orders, and the guest's token when it has one.</summary>
public sealed record ArrangedGroup(Guid GroupId, string Number, IReadOnlyList<Guid> OrderIds, string? GuestToken);

/// <summary>
/// The host on PostgreSQL + Redis + RabbitMQ (or the embedded profile), with what Ordering's tests arrange and read
/// below the API: order groups written as checkout writes them, and the events in Ordering's outbox.
/// </summary>
public class OrderingHost : MarketplaceFactory
{
    public OrderingHost()
        : this(TestProfile.Production)
    {
    }

    private readonly string _redisPrefix = $"test-{Guid.NewGuid():N}:";

    protected OrderingHost(TestProfile profile)
        : base(profile)
    {
        this.ForOfferArrange();

        // Carts and promo-code uses live in Redis, which outlives runs: a code used up by an earlier run stays used up.
        Settings["Cart:RedisKeyPrefix"] = _redisPrefix;

        // The races send 20 checkouts at once and need every one to reach the stock, whatever the default per core is
        // on this machine; the backpressure test lowers it again.
        Settings["Ordering:MaxCheckoutsInFlight"] = "64";
    }

    /// <summary>Set on a second process of a test's deployment, which writes nothing to Redis of its own to clean up.</summary>
    internal bool WritesNoRedisKeys { get; init; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Profile == TestProfile.Production && !WritesNoRedisKeys)
        {
            await RedisKeys.DeleteUnderAsync(_redisPrefix);
        }
    }

    /// <summary>
    /// Writes a checked-out group with one order per seller, moved through the transition table as far as
    /// <paramref name="paid"/> says (placed when paid, pending payment otherwise), for a customer or, with a null
    /// <paramref name="customerId"/>, a guest; each order buys two units of <paramref name="offerId"/> (else of an offer
    /// that does not exist). For tests of what happens to orders after checkout.
    /// </summary>
    internal async Task<ArrangedGroup> ArrangeGroupAsync(
        Guid? customerId, IReadOnlyList<Guid> sellerIds, bool paid = true, DeliveryKind kind = DeliveryKind.CourierToDoor, Guid? offerId = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var tokens = scope.ServiceProvider.GetRequiredService<OrderTokens>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var groupId = Guid.NewGuid();
        var number = $"T-{Guid.NewGuid():N}"[..14].ToUpperInvariant();
        var token = customerId is null ? tokens.TokenFor(groupId) : null;
        var group = new OrderGroup
        {
            Id = groupId,
            Number = number,
            CustomerId = customerId,
            ContactEmail = "buyer@tests.local",
            GuestTokenHash = token is null ? null : OrderTokens.Hash(token),
            ShippingAddress = new ShippingAddress { Name = "Ada", Country = "DE", PostalCode = "10115", City = "Berlin", Lines = "Invalidenstr. 1" },
            Currency = "EUR",
            ItemsTotal = 20m * sellerIds.Count,
            DeliveryTotal = 4.9m * sellerIds.Count,
            Total = 24.9m * sellerIds.Count,
            CreatedAt = now,
        };
        for (var i = 0; i < sellerIds.Count; i++)
        {
            var orderId = Guid.NewGuid();
            var order = new SellerOrder
            {
                Id = orderId,
                GroupId = groupId,
                SellerId = sellerIds[i],
                Number = $"{number}-{i + 1}",
                DeliveryKind = kind,
                CustomerId = customerId,
                Currency = "EUR",
                ItemsTotal = 20m,
                Total = 24.9m,
                CreatedAt = now,
                Delivery = new DeliverySnapshot
                {
                    QuoteId = Guid.NewGuid(), OptionId = "std", CarrierId = "rules", ServiceId = "std", ServiceName = "Standard", Price = 4.9m,
                    EtaEarliest = DateOnly.FromDateTime(now.UtcDateTime).AddDays(2), EtaLatest = DateOnly.FromDateTime(now.UtcDateTime).AddDays(4),
                },
                Lines =
                [
                    new OrderLine
                    {
                        Id = Guid.NewGuid(), OrderId = orderId, OfferId = offerId ?? Guid.NewGuid(), SkuId = Guid.NewGuid(), SkuCode = "SKU-1", Title = "Mug",
                        Quantity = 2, UnitPrice = 10m, LineTotal = 20m,
                    },
                ],
            };
            if (paid)
            {
                order.Apply(OrderTransition.PaymentAuthorized, OrderActor.System("tests"), TransitionDetails.None, now);
                db.PublishMove(order, OrderTransition.PaymentAuthorized, OrderStatus.PendingPayment, clock);
            }

            group.Orders.Add(order);
        }

        db.OrderGroups.Add(group);
        await db.SaveChangesAsync();
        return new ArrangedGroup(groupId, number, group.Orders.Select(o => o.Id).ToList(), token);
    }

    /// <summary>
    /// Waits until the order lists' projector has applied every event in Ordering's outbox about these orders (its inbox
    /// holds each one), so that a test reads the lists as the events left them; false when it has not within the deadline.
    /// </summary>
    public async Task<bool> ProjectedAsync(params IEnumerable<Guid> orderIds)
    {
        var texts = orderIds.Select(id => id.ToString()).ToList();
        var (events, applied) = await Eventually.ReadAsync(
            async () =>
            {
                await using var scope = Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
                var ids = new List<Guid>();
                foreach (var text in texts)
                {
                    ids.AddRange(await db.OutboxMessages.AsNoTracking().Where(m => m.Payload.Contains(text)).Select(m => m.Id).ToListAsync());
                }

                var done = await db.InboxMessages.AsNoTracking().CountAsync(m => m.Consumer == nameof(OrderListProjector) && ids.Contains(m.MessageId));
                return (ids.Count, done);
            },
            seen => seen.Item1 > 0 && seen.Item2 == seen.Item1);
        return events > 0 && applied == events;
    }

    /// <summary>Runs the order lists' projector of a fresh scope, as a delivered message would, for crafted events.</summary>
    internal async Task<bool> ProjectAsync(Func<OrderListProjector, Task<bool>> project)
    {
        await using var scope = Services.CreateAsyncScope();
        return await project(scope.ServiceProvider.GetRequiredService<OrderListProjector>());
    }

    /// <summary>The order lists' row of an order, or null when it has none.</summary>
    internal async Task<OrderListEntry?> ListEntryAsync(Guid orderId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        return await db.OrderList.AsNoTracking().FirstOrDefaultAsync(e => e.OrderId == orderId);
    }

    /// <summary>The short type names of the events in Ordering's outbox that mention <paramref name="id"/>, in the order written.</summary>
    public async Task<List<string>> EventsAsync(Guid id)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var text = id.ToString();
        var types = await db.OutboxMessages.AsNoTracking().Where(m => m.Payload.Contains(text)).OrderBy(m => m.Sequence).Select(m => m.Type).ToListAsync();
        return types.Select(t => t.Split(',')[0].Split('.')[^1]).ToList();
    }
}

/// <summary>The same host on the embedded profile (SQLite, in-memory bus, process-memory carts).</summary>
public sealed class EmbeddedOrderingHost : OrderingHost
{
    public EmbeddedOrderingHost()
        : base(TestProfile.Embedded)
    {
    }
}
