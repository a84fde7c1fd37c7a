using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Transitions;
using Marketplace.Payments.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Customers.Invoice;

/// <summary>
/// The order's invoice: for its buyer, the order is opened as <see cref="Read.ReadOrder"/> opens it (its customer, or a
/// guest's order token; anyone else 404); for staff, any order. Then Payments answers the invoice it issued at capture,
/// as JSON or, for <c>Accept: text/html</c>, as the printable page the seller reads.
/// </summary>
internal static class ReadOrderInvoice
{
    public static async Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> Handle(
        Guid orderId, HttpContext http, OrderingDbContext db, IInvoices invoices, CancellationToken cancellationToken)
    {
        if (!OrderBuyer.TryRead(http, out var buyer, out var refusal))
        {
            return refusal!;
        }

        if (!await OrderMoves.Load(db).AsNoTracking().Where(buyer.Owns(db, orderId)).AnyAsync(cancellationToken))
        {
            return OrderMoves.NotFound();
        }

        return await AnswerAsync(orderId, http, invoices, cancellationToken);
    }

    /// <summary>Staff read any order's invoice on a support case; an order that does not exist is 404.</summary>
    public static async Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> ForStaff(
        Guid orderId, HttpContext http, OrderingDbContext db, IInvoices invoices, CancellationToken cancellationToken)
    {
        if (!await db.SellerOrders.AsNoTracking().AnyAsync(o => o.Id == orderId, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: "No order has this id.");
        }

        return await AnswerAsync(orderId, http, invoices, cancellationToken);
    }

    private static async Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> AnswerAsync(
        Guid orderId, HttpContext http, IInvoices invoices, CancellationToken cancellationToken)
    {
        if (await invoices.ForOrderAsync(orderId, cancellationToken) is not { } invoice)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No invoice yet",
                detail: "The order's invoice is issued when its payment is captured, once the seller accepts it.");
        }

        var wantsHtml = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (!wantsHtml)
        {
            return TypedResults.Ok(invoice);
        }

        http.Response.Headers.ContentSecurityPolicy = invoices.PrintablePolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Content(invoices.Printable(invoice), "text/html; charset=utf-8");
    }
}
