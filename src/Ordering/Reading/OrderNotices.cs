using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Reading;

internal sealed class OrderNotices(OrderingDbContext db) : IOrderNotices
{
    public async Task<IReadOnlyDictionary<Guid, OrderNotice>> FindAllAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        var ids = orderIds.Distinct().ToList();
        var orders = await db.SellerOrders.AsNoTracking().Include(o => o.Lines).Where(o => ids.Contains(o.Id)).ToListAsync(cancellationToken);
        var groupIds = orders.Select(o => o.GroupId).Distinct().ToList();
        var groups = await db.OrderGroups.AsNoTracking()
            .Where(g => groupIds.Contains(g.Id))
            .Select(g => new { g.Id, g.ContactEmail, g.CheckoutLanguage })
            .ToDictionaryAsync(g => g.Id, cancellationToken);
        return orders.ToDictionary(
            order => order.Id,
            order =>
            {
                var group = groups[order.GroupId];
                var currency = order.Currency;
                return new OrderNotice(
                    order.Id,
                    order.GroupId,
                    order.Number,
                    order.SellerId,
                    order.CustomerId,
                    group.ContactEmail,
                    group.CheckoutLanguage,
                    order.Delivery.ServiceName,
                    Money.Of(order.Delivery.Price, currency),
                    Money.Of(order.Total, currency),
                    [.. order.Lines.OrderBy(l => l.Title, StringComparer.Ordinal).Select(l => new OrderNoticeLine(l.Title, l.Quantity, Money.Of(l.LineTotal, currency)))]);
            });
    }
}
