using Marketplace.Payments.Contracts;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Invoices.List;

/// <summary>The seller's invoices, newest (highest number) first, keyset-paged by number.</summary>
internal static class ListSellerInvoices
{
    /// <summary>The last invoice of a page and the seller it was read for: a cursor of another seller is refused.</summary>
    private sealed record Position(long Number, Guid SellerId);

    public static async Task<Results<Ok<Page<InvoiceSummary>>, ValidationProblem>> Handle(
        Guid sellerId, PageRequest paging, PaymentsDbContext db, IOptions<PaymentsOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!paging.TryRead<Position>(new PageLimits(settings.InvoicePageSize, settings.MaxInvoicePageSize), out var page, out var problem))
        {
            return problem;
        }

        if (page.After is { } other && other.SellerId != sellerId)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(PagingMessages.CursorParameter, PagingMessages.Cursor));
        }

        var before = page.After?.Number ?? long.MaxValue;
        var rows = await db.Invoices.AsNoTracking()
            .Where(i => i.SellerId == sellerId && i.Number < before)
            .OrderByDescending(i => i.Number)
            .Take(page.Fetch)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(
            rows,
            i => new Position(i.Number, sellerId),
            i => new InvoiceSummary(i.Number, i.OrderId, i.OrderNumber, i.IssuedAt, i.Currency, MinorUnits.ToAmount(i.OrderTotalMinor, i.Currency))));
    }
}
