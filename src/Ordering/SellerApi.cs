using Marketplace.Ordering.Sellers.Accept;
using Marketplace.Ordering.Sellers.BulkStatus;
using Marketplace.Ordering.Sellers.Deliver;
using Marketplace.Ordering.Sellers.List;
using Marketplace.Ordering.Sellers.Read;
using Marketplace.Ordering.Sellers.Reject;
using Marketplace.Ordering.Sellers.Ship;
using Marketplace.Platform.Bulk;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Ordering;

/// <summary>
/// A seller's orders: the list with filters and the status changes it makes. Every route sits under
/// <c>/sellers/{sellerId}/orders</c>, in one group that checks the caller acts for that seller; another seller's order is 404.
/// </summary>
internal static class SellerApi
{
    private const string Conditional = "Send the order's ETag in If-Match (428 without it, 412 when it moved meanwhile). " +
        "Repeating the same change answers 200 unchanged; a change the order's status does not allow is 409 naming the rule.";

    public static RouteGroupBuilder MapSellerApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/sellers/{sellerId:guid}/orders")
            .WithTags("Seller orders")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller)
            .AddEndpointFilter<SellerAccessFilter>()
            .NeverStored()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        orders.MapGet("/", ListSellerOrders.Handle)
            .WithName("ListSellerOrders")
            .WithSummary("The seller's placed orders, newest first, keyset-paged; filter by status and by checkout time (from inclusive, to exclusive)")
            .WithDescription("Read from the order lists, which the order events keep: a new order or a status change shows here a moment after it was made. " +
                "Orders waiting for their payment, and orders whose payment failed, are never listed.");
        orders.MapPost("/status:bulk", BulkChangeStatus.Handle)
            .WithName("BulkChangeSellerOrderStatus")
            .WithSummary("Accept, reject, ship or deliver many orders at once: JSON Lines or CSV, one outcome per row")
            .WithDescription("Rows: orderId, action (accept, reject, ship, deliver), version (optional; when given it must be the order's, as If-Match), reason, carrier, trackingNumber. " +
                "CSV takes a header row naming these columns. Each row is applied on its own; the answer lists every row as moved, unchanged, or rejected with the field or rule at fault.")
            .WithMetadata(new StreamedBodyDoc("Status changes, one per line (JSON Lines) or per CSV record.", BulkReading.MediaTypes))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        var one = orders.MapGroup("/{orderId:guid}").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/", ReadSellerOrder.Handle)
            .WithName("GetSellerOrder")
            .WithSummary("One of the seller's orders with its lines, delivery and timeline; the ETag is its version");
        one.MapPost("/accept", AcceptOrder.Handle)
            .WithName("AcceptSellerOrder")
            .WithSummary("Take a placed order on")
            .WithDescription(Conditional)
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        one.MapPost("/reject", RejectOrder.Handle)
            .WithName("RejectSellerOrder")
            .WithSummary("Refuse a placed order, with a reason the customer sees")
            .WithDescription(Conditional)
            .Validate<RejectOrderRequest>()
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        one.MapPost("/ship", ShipOrder.Handle)
            .WithName("ShipSellerOrder")
            .WithSummary("Mark an accepted order shipped: carrier and tracking number, unless the seller delivers itself")
            .WithDescription(Conditional)
            .Validate<ShipOrderRequest>()
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        one.MapPost("/deliver", DeliverOrder.Handle)
            .WithName("DeliverSellerOrder")
            .WithSummary("Mark a shipped order delivered; only for the seller's own delivery (a carrier's tracking marks the others)")
            .WithDescription(Conditional)
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
