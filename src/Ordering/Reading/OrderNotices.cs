using Marketplace.Ordering.Contracts;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Reading;

internal sealed class OrderNotices(OrderingDbContext db) : IOrderNotices
{
    public async Task<OrderNotice?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await db.SellerOrders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null)
        {
            return null;
        }

        var group = await db.OrderGroups.AsNoTracking()
            .Where(g => g.Id == order.GroupId)
            .Select(g => new { g.ContactEmail, g.CheckoutLanguage })
            .SingleAsync(cancellationToken);
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
    }
}
