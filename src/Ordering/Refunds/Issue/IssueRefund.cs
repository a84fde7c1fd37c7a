using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Sellers;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Refunds.Issue;

internal static class IssueRefund
{
    /// <summary>The seller refunds one of its own orders; another seller's is 404.</summary>
    public static Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> ForSeller(
        Guid sellerId, Guid orderId, IssueRefundRequest request, HttpContext http, RefundIssuing issuing, CancellationToken cancellationToken) =>
        issuing.IssueAsync(SellerOrders.Own(sellerId, orderId), orderId, OrderActor.Seller(sellerId), request,
            $"/api/v1/sellers/{sellerId}/orders/{orderId}/refunds", http, cancellationToken);

    /// <summary>Staff refund any order on a support case.</summary>
    public static Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> ForStaff(
        Guid orderId, IssueRefundRequest request, HttpContext http, RefundIssuing issuing, CancellationToken cancellationToken) =>
        issuing.IssueAsync(o => o.Id == orderId && o.Status != OrderStatus.PendingPayment, orderId,
            OrderActor.Admin(http.User.UserId() ?? throw new InvalidOperationException("An admin is signed in.")), request,
            $"/api/v1/admin/orders/{orderId}/refunds", http, cancellationToken);
}
