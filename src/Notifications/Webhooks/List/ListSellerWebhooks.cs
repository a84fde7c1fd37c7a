using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Webhooks.List;

/// <summary>The seller's endpoints, oldest first; a seller has at most <c>MaxEndpointsPerSeller</c>, so there is one page.</summary>
internal static class ListSellerWebhooks
{
    public static async Task<Ok<List<WebhookEndpointResponse>>> Handle(Guid sellerId, NotificationsDbContext db, CancellationToken cancellationToken)
    {
        var endpoints = await db.Endpoints.AsNoTracking().Where(e => e.SellerId == sellerId).ToListAsync(cancellationToken);
        return TypedResults.Ok(endpoints.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Select(WebhookEndpointResponse.From).ToList());
    }
}
