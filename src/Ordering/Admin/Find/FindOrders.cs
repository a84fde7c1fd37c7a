using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Admin.Find;

/// <summary>An order group as support sees it: who bought, where it went, the payment, and every order with its full history.</summary>
/// <param name="OrderGroupId">The checkout.</param>
/// <param name="Number">Its number.</param>
/// <param name="CustomerId">The customer; null for a guest.</param>
/// <param name="ContactEmail">Where receipts go.</param>
/// <param name="Currency">The currency.</param>
/// <param name="Total">What the payment covers.</param>
/// <param name="PaymentId">The payment.</param>
/// <param name="PaymentStatus">pending, requires_action, authorized, declined or canceled.</param>
/// <param name="PaymentDeclineReason">The provider's reason, when declined.</param>
/// <param name="CreatedAt">When it was checked out.</param>
/// <param name="Orders">One order per seller, each with its lines and timeline.</param>
public sealed record AdminOrderGroupResponse(
    Guid OrderGroupId,
    string Number,
    Guid? CustomerId,
    string? ContactEmail,
    string Currency,
    decimal Total,
    Guid? PaymentId,
    string PaymentStatus,
    string? PaymentDeclineReason,
    DateTimeOffset CreatedAt,
    IReadOnlyList<OrderResponse> Orders);

internal static class FindOrders
{
    private sealed record Position(DateTimeOffset CreatedAt, string Number, string? Query);

    public static async Task<Results<Ok<Page<AdminOrderGroupResponse>>, ValidationProblem>> Handle(
        string? number, string? email, Guid? sellerId, PageRequest paging, OrderingDbContext db, IOptions<OrderingOptions> options, CancellationToken cancellationToken)
    {
        var given = new[] { number, email, sellerId?.ToString() }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (given != 1)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("number", "Find by exactly one of number, email or sellerId."));
        }

        if (!paging.TryRead<Position>(options.Value.PageLimits, out var page, out var problem))
        {
            return problem;
        }

        var queryKey = $"{number}|{email}|{sellerId}";
        if (page.After is { } stale && stale.Query != queryKey)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(PagingMessages.CursorParameter, PagingMessages.Cursor));
        }

        IQueryable<OrderGroup> groups = db.OrderGroups.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(number))
        {
            // A seller order's number is its group's number and a suffix: either finds the group.
            var trimmed = number.Trim().ToUpperInvariant();
            groups = groups.Where(g => g.Number == trimmed || g.Orders.Any(o => o.Number == trimmed));
        }
        else if (!string.IsNullOrWhiteSpace(email))
        {
            var address = email.Trim();
            groups = groups.Where(g => g.ContactEmail == address);
        }
        else
        {
            groups = groups.Where(g => g.Orders.Any(o => o.SellerId == sellerId));
        }

        if (page.After is { } after)
        {
            groups = groups.Where(g => g.CreatedAt < after.CreatedAt || (g.CreatedAt == after.CreatedAt && string.Compare(g.Number, after.Number) < 0));
        }

        var rows = await groups
            .Include(g => g.Orders).ThenInclude(o => o.Lines)
            .Include(g => g.Orders).ThenInclude(o => o.History)
            .AsSplitQuery()
            .OrderByDescending(g => g.CreatedAt).ThenByDescending(g => g.Number)
            .Take(page.Fetch)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, g => new Position(g.CreatedAt, g.Number, queryKey), g => new AdminOrderGroupResponse(
            g.Id, g.Number, g.CustomerId, g.ContactEmail, g.Currency, g.Total, g.PaymentId, OrderWords.Of(g.PaymentStatus), g.PaymentDeclineReason, g.CreatedAt,
            g.Orders.OrderBy(o => o.Number, StringComparer.Ordinal).Select(OrderResponse.From).ToList())));
    }
}
