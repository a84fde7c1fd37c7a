using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Paging;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Customers.List;

/// <summary>
/// The customer's placed orders, newest first, from the lists' read model: one query per page. An order still waiting
/// for its payment is not listed (the checkout answer and <c>GET /orders/{id}</c> show it); one whose payment failed never is.
/// </summary>
internal static class ListMyOrders
{
    private sealed record Position(DateTimeOffset CreatedAt, string Number);

    public static async Task<Results<Ok<Page<OrderSummary>>, ValidationProblem, UnauthorizedHttpResult>> Handle(
        PageRequest paging, HttpContext http, OrderingDbContext db, IOptions<OrderingOptions> options, CancellationToken cancellationToken)
    {
        if (http.User.UserId() is not { } customerId)
        {
            return TypedResults.Unauthorized();
        }

        if (!paging.TryRead<Position>(options.Value.PageLimits, out var page, out var problem))
        {
            return problem;
        }

        var query = db.OrderList.AsNoTracking().Where(o => o.CustomerId == customerId);
        if (page.After is { } after)
        {
            // The first condition seeks into the index; the second only sorts out the rows of the same instant.
            query = query.Where(o => o.CreatedAt <= after.CreatedAt && (o.CreatedAt < after.CreatedAt || string.Compare(o.Number, after.Number) < 0));
        }

        var rows = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Number).Take(page.Fetch).ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, o => new Position(o.CreatedAt, o.Number), OrderSummary.From));
    }
}
