using System.Linq.Expressions;
using Marketplace.Ordering.Orders;

namespace Marketplace.Ordering.Sellers;

/// <summary>Which orders a seller reads and moves: its own, once they are placed.</summary>
internal static class SellerOrders
{
    public static Expression<Func<SellerOrder, bool>> Own(Guid sellerId, Guid orderId) =>
        o => o.Id == orderId && o.SellerId == sellerId && o.Status != OrderStatus.PendingPayment;
}
