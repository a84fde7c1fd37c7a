using Marketplace.Ordering.Contracts;
using Marketplace.Platform;

namespace Marketplace.Ordering.Tests.Lists;

/// <summary>
/// An order known only through the events a test crafts for it, as Ordering would publish them: the list facts every
/// event restates, and each move with the version it produced.
/// </summary>
internal sealed record CraftedOrder(Guid OrderId, Guid GroupId, string Number, Guid SellerId, Guid? CustomerId, Money Total, DateTimeOffset CreatedAt)
{
    public static CraftedOrder For(Guid sellerId, Guid? customerId, string number, DateTimeOffset createdAt) =>
        new(Guid.NewGuid(), Guid.NewGuid(), number, sellerId, customerId, Money.Of(24.9m, "EUR"), createdAt);

    /// <summary>A time PostgreSQL keeps exactly (whole microseconds), so a row reads back what the event said.</summary>
    public static DateTimeOffset Instant(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);

    public OrderPlaced Placed(int version = 2) =>
        new(OrderId, GroupId, Number, SellerId, CustomerId, Total, CreatedAt, version, At(version));

    public OrderAccepted Accepted(int version = 3) =>
        new(OrderId, GroupId, Number, SellerId, CustomerId, Total, CreatedAt, version, At(version));

    public OrderShipped Shipped(int version = 4) =>
        new(OrderId, GroupId, Number, SellerId, CustomerId, Total, CreatedAt, "dhl", "TRACK-1", version, At(version));

    public OrderDelivered Delivered(int version = 5, bool confirmedByCustomer = false) =>
        new(OrderId, GroupId, Number, SellerId, CustomerId, Total, CreatedAt, confirmedByCustomer, version, At(version));

    public OrderCancelled Cancelled(int version, bool wasPlaced) =>
        new(OrderId, GroupId, Number, SellerId, CustomerId, Total, CreatedAt, wasPlaced ? "Reject" : "PaymentFailed", "Out of ink", wasPlaced, version, At(version));

    /// <summary>Each version moved a minute after the one before, so a test can tell which event a row shows.</summary>
    public DateTimeOffset At(int version) => CreatedAt.AddMinutes(version);
}
