using Marketplace.Payments.Contracts;
using Marketplace.Payments.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Payments.Invoices.Read;

/// <summary>One of the seller's invoices, as JSON, or as a printable page for <c>Accept: text/html</c> or the <c>.html</c> route.</summary>
internal static class ReadSellerInvoice
{
    public static async Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> Handle(
        Guid sellerId, long number, HttpRequest request, PaymentsDbContext db, CancellationToken cancellationToken)
    {
        var wantsHtml = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        return await AnswerAsync(sellerId, number, wantsHtml, request.HttpContext, db, cancellationToken);
    }

    public static Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> HandleHtml(
        Guid sellerId, long number, HttpContext context, PaymentsDbContext db, CancellationToken cancellationToken) =>
        AnswerAsync(sellerId, number, true, context, db, cancellationToken);

    private static async Task<Results<Ok<InvoiceResponse>, ContentHttpResult, ProblemHttpResult>> AnswerAsync(
        Guid sellerId, long number, bool html, HttpContext context, PaymentsDbContext db, CancellationToken cancellationToken)
    {
        if (await InvoiceSheet.ReadAsync(db, sellerId, number, cancellationToken) is not { } invoice)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such invoice",
                detail: $"The seller has no invoice {number}.");
        }

        if (!html)
        {
            return TypedResults.Ok(invoice);
        }

        context.Response.Headers.ContentSecurityPolicy = InvoicePage.ContentSecurityPolicy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Content(InvoicePage.Render(invoice), InvoicePage.ContentType);
    }
}
