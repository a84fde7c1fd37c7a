using Marketplace.Notifications.Persistence;
using Marketplace.Notifications.Webhooks;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Deliveries.List;

/// <summary>An endpoint's delivery log, newest first, keyset-paged by insertion order.</summary>
internal static class ListWebhookDeliveries
{
    /// <summary>The last row of the page, and the endpoint it was read for: a cursor of another endpoint is refused.</summary>
    private sealed record Position(long Sequence, Guid EndpointId);

    public static async Task<Results<Ok<Page<WebhookDeliveryResponse>>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid sellerId, Guid webhookId, PageRequest paging, NotificationsDbContext db, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        if (!await db.Endpoints.AnyAsync(e => e.Id == webhookId && e.SellerId == sellerId, cancellationToken))
        {
            return OwnWebhooks.NotFound();
        }

        if (!paging.TryRead<Position>(new PageLimits(options.Value.DefaultPageSize, options.Value.MaxPageSize), out var page, out var problem))
        {
            return problem;
        }

        if (page.After is { } other && other.EndpointId != webhookId)
        {
            return TypedResults.ValidationProblem(Marketplace.Platform.Http.ValidationFilterExtensions.FieldError(PagingMessages.CursorParameter, PagingMessages.Cursor));
        }

        var query = db.Deliveries.AsNoTracking().Include(d => d.AttemptLog).Where(d => d.EndpointId == webhookId);
        if (page.After is { } last)
        {
            query = query.Where(d => d.Sequence < last.Sequence);
        }

        var rows = await query.OrderByDescending(d => d.Sequence).Take(page.Fetch).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, d => new Position(d.Sequence, webhookId), WebhookDeliveryResponse.From));
    }
}
