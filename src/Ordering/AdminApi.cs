using Marketplace.Ordering.Admin.Find;
using Marketplace.Ordering.Customers.Invoice;
using Marketplace.Ordering.Performance;
using Marketplace.Ordering.Refunds;
using Marketplace.Ordering.Refunds.Issue;
using Marketplace.Ordering.Refunds.List;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Ordering;

/// <summary>Orders as marketplace staff find them for a support case.</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/orders")
            .WithTags("Admin orders")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/", FindOrders.Handle)
            .WithName("FindOrders")
            .WithSummary("Find order groups by number (the group's or a seller order's), contact email or seller, newest first, with every order's full history");
        admin.MapPost("/{orderId:guid}/refunds", IssueRefund.ForStaff)
            .WithName("RefundOrderForStaff")
            .WithSummary("Give money back for any accepted, shipped or delivered order on a support case: units of its lines, or an amount; needs an Idempotency-Key")
            .WithDescription(RefundWords.Issue)
            .Validate<IssueRefundRequest>()
            .Produces<RefundResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/{orderId:guid}/refunds", ListRefunds.ForStaff)
            .WithName("ListOrderRefundsForStaff")
            .WithSummary("An order's refunds, oldest first, with what was refunded and what is left to refund")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/{orderId:guid}/invoice", ReadOrderInvoice.ForStaff)
            .WithName("GetOrderInvoiceForStaff")
            .WithSummary("Any order's invoice from its seller on a support case, as JSON or (Accept: text/html) the printable page the seller and the buyer read")
            .WithDescription("Issued when the order's payment is captured (404 until then, and for an order that does not exist); refunds appear on it as the ledger books them.")
            .Produces<Payments.Contracts.InvoiceResponse>()
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/admin/sellers/{sellerId:guid}/performance", ReadSellerPerformance.Handle)
            .WithTags("Admin orders")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("GetSellerPerformanceForStaff")
            .WithSummary("A seller's on-time dispatch rate, cancellation rate and late deliveries, as the seller sees them");
        return api;
    }
}
