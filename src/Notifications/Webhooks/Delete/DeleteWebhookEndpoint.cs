using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Webhooks.Delete;

/// <summary>Removes the endpoint with its delivery log; its pending deliveries are never sent.</summary>
internal static class DeleteWebhookEndpoint
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(Guid sellerId, Guid webhookId, NotificationsDbContext db, CancellationToken cancellationToken) =>
        await db.Endpoints.Where(e => e.Id == webhookId && e.SellerId == sellerId).ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : OwnWebhooks.NotFound();
}
