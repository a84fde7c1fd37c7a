using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Performance;
using Marketplace.Ordering.Refunds;
using Marketplace.Ordering.Refunds.Issue;
using Marketplace.Ordering.Refunds.List;
using Marketplace.Ordering.Sellers.Accept;
using Marketplace.Ordering.Sellers.BulkStatus;
using Marketplace.Ordering.Sellers.Deliver;
using Marketplace.Ordering.Sellers.List;
using Marketplace.Ordering.Sellers.Read;
using Marketplace.Ordering.Sellers.Reject;
using Marketplace.Ordering.Sellers.Ship;
using Marketplace.Ordering.Sellers.Shipments;
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
        orders.MapPost("/shipments:bulk", BulkShipParcels.Handle)
            .WithName("BulkShipSellerOrders")
            .WithSummary("Ship many parcels at once: JSON Lines or CSV, one parcel per row, one outcome per row")
            .WithDescription("Rows: orderId, key (optional idempotency key; without one the row's content is its key), and either weightGrams, lengthMm, widthMm, heightMm " +
                "to book the parcel with the order's carrier (recipientPhone, pickupPointId when the carrier needs them), or carrier and trackingNumber for a parcel the seller sent itself. " +
                "CSV takes a header row naming these columns. Each row is shipped on its own as POST …/{orderId}/shipments ships it; the answer lists every row as shipped, " +
                "unchanged (shipped before under the same key) or rejected with the field at fault.")
            .WithMetadata(new StreamedBodyDoc("Parcels, one per line (JSON Lines) or per CSV record.", BulkReading.MediaTypes))
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
        one.MapPost("/shipments", ShipParcels.Handle)
            .WithName("ShipSellerOrderParcels")
            .WithSummary("Ship an accepted order in one or more parcels: booked with the order's carrier (label and tracking number), or with the seller's own tracking numbers")
            .WithDescription("Send an Idempotency-Key: the same key with the same body answers the same parcels and ships nothing again; the same key with another body is 422. " +
                "The first shipment moves the order to shipped; more parcels may follow while it is shipped. The carrier's tracking then moves each parcel, and the order " +
                "is delivered when every parcel is. A carrier that does not answer is 503 with Retry-After: repeat the request with the same key.")
            .Validate<ShipParcelsRequest>()
            .WithMetadata(IdempotencyKeys.Documented("The same key and body answer the same parcels and ship nothing again; another body under the key is 422."))
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        one.MapPost("/deliver", DeliverOrder.Handle)
            .WithName("DeliverSellerOrder")
            .WithSummary("Mark a shipped order delivered; only for the seller's own delivery (a carrier's tracking marks the others)")
            .WithDescription(Conditional)
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status409Conflict);

        one.MapPost("/refunds", IssueRefund.ForSeller)
            .WithName("RefundSellerOrder")
            .WithSummary("Give money back for an accepted, shipped or delivered order: units of its lines, or an amount; needs an Idempotency-Key")
            .WithDescription(RefundWords.Issue)
            .Validate<IssueRefundRequest>()
            .Produces<RefundResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        one.MapGet("/refunds", ListRefunds.ForSeller)
            .WithName("ListSellerOrderRefunds")
            .WithSummary("The order's refunds, oldest first, with what was refunded and what is left to refund");

        api.MapGet("/sellers/{sellerId:guid}/performance", ReadSellerPerformance.Handle)
            .WithTags("Seller orders")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller)
            .AddEndpointFilter<SellerAccessFilter>()
            .NeverStored()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("GetSellerPerformance")
            .WithSummary("The seller's on-time dispatch rate, cancellation rate and late deliveries over the orders placed in the window of the rules \"fulfilment\"");
        return api;
    }
}
