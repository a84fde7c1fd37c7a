using Marketplace.Ordering.Customers;
using Marketplace.Ordering.Customers.Cancel;
using Marketplace.Ordering.Customers.ConfirmReceipt;
using Marketplace.Ordering.Customers.Invoice;
using Marketplace.Ordering.Customers.List;
using Marketplace.Ordering.Customers.Read;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Ordering;

/// <summary>
/// Orders as their buyer reads and moves them: a signed-in customer its own, a guest the one its order token opens.
/// Another buyer's order is 404.
/// </summary>
internal static class CustomerApi
{
    /// <summary>What opens one order: its buyer's sign-in, or a guest's order token (<see cref="OrderBuyer"/>).</summary>
    private static readonly HeaderTokenCredential OrderToken = new(
        "orderToken",
        OrderTokens.Header,
        "A guest's order access token, from the checkout answer; it opens the orders of that checkout. A signed-in customer sends its bearer token instead.");

    public static RouteGroupBuilder MapCustomerApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders")
            .WithTags("Orders")
            .NeverStored()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapGet("/", ListMyOrders.Handle)
            .WithName("ListMyOrders")
            .WithSummary("The signed-in customer's placed orders (one per seller of each checkout), newest first, keyset-paged")
            .WithDescription("Read from the order lists, which the order events keep: a checkout or a status change shows here a moment after it answered. " +
                "An order still waiting for its payment is read through the checkout answer and GET /orders/{orderId}; one whose payment failed is never listed.")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer);

        var one = orders.MapGroup("/{orderId:guid}").AllowAnonymous().RequireHeaderToken(OrderToken);
        one.MapGet("/", ReadOrder.Handle)
            .WithName("GetOrder")
            .WithSummary($"One order with its lines, delivery and status timeline; as its customer, or as a guest with the order token in {OrderTokens.Header}")
            .WithDescription("The ETag is the order's version, for If-Match on cancel and confirm-receipt.");
        one.MapGet("/invoice", ReadOrderInvoice.Handle)
            .WithName("GetOrderInvoice")
            .WithSummary($"The order's invoice from its seller, as JSON or (Accept: text/html) a printable page; as its customer, or as a guest with the order token in {OrderTokens.Header}")
            .WithDescription("Issued when the order's payment is captured (404 until then); what was paid and refunded is read from Payments' ledger, so later refunds appear on it.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        one.MapPost("/cancel", CancelOrder.Handle)
            .WithName("CancelOrder")
            .WithSummary("Cancel the order before the seller ships it; send its ETag in If-Match")
            .WithDescription("Repeating the cancel answers 200 unchanged; once shipped it is 409 naming the rule.")
            .Validate<CancelOrderRequest>()
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        one.MapPost("/confirm-receipt", ConfirmReceipt.Handle)
            .WithName("ConfirmOrderReceipt")
            .WithSummary("Confirm the parcels arrived: the order is completed; send its ETag in If-Match")
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
