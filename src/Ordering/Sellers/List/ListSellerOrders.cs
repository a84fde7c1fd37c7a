using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Sellers.List;

/// <summary>The seller's placed orders, newest first, filtered by status and checkout time, from the lists' read model: one query per page.</summary>
internal static class ListSellerOrders
{
    /// <summary>The last row of the page, and the filters it was read with: a cursor from another query is refused.</summary>
    private sealed record Position(DateTimeOffset CreatedAt, string Number, string? Status, DateTimeOffset? From, DateTimeOffset? To);

    public static async Task<Results<Ok<Page<OrderSummary>>, ValidationProblem>> Handle(
        Guid sellerId, string? status, DateTimeOffset? from, DateTimeOffset? to, PageRequest paging,
        OrderingDbContext db, IOptions<OrderingOptions> options, CancellationToken cancellationToken)
    {
        OrderStatus? wanted = null;
        if (status is not null)
        {
            if (!OrderWords.TryParse<OrderStatus>(status, out var parsed) || parsed == OrderStatus.PendingPayment)
            {
                return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(
                    "status", "Must be one of placed, accepted, shipped, delivered, completed, cancelled."));
            }

            wanted = parsed;
        }

        if (from is not null && to is not null && from > to)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("from", "Must not be after 'to'."));
        }

        if (!paging.TryRead<Position>(options.Value.PageLimits, out var page, out var problem))
        {
            return problem;
        }

        var statusWord = wanted is { } w ? OrderWords.Of(w) : null;
        if (page.After is { } after && (after.Status != statusWord || after.From != from || after.To != to))
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(PagingMessages.CursorParameter, PagingMessages.Cursor));
        }

        // The read model holds placed orders only: one still waiting for its payment is not the seller's to act on yet,
        // and one whose payment failed never was.
        var query = db.OrderList.AsNoTracking().Where(o => o.SellerId == sellerId);
        if (wanted is { } s)
        {
            query = query.Where(o => o.Status == s);
        }

        if (from is { } since)
        {
            query = query.Where(o => o.CreatedAt >= since);
        }

        if (to is { } until)
        {
            query = query.Where(o => o.CreatedAt < until);
        }

        if (page.After is { } last)
        {
            // The first condition seeks into the index; the second only sorts out the rows of the same instant.
            query = query.Where(o => o.CreatedAt <= last.CreatedAt && (o.CreatedAt < last.CreatedAt || string.Compare(o.Number, last.Number) < 0));
        }

        var rows = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Number).Take(page.Fetch).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, o => new Position(o.CreatedAt, o.Number, statusWord, from, to), OrderSummary.From));
    }
}
