using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Notifications.Webhooks.Read;

internal static class ReadWebhookEndpoint
{
    public static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid webhookId, NotificationsDbContext db, CancellationToken cancellationToken) =>
        await OwnWebhooks.FindAsync(db, sellerId, webhookId, cancellationToken) is { } endpoint
            ? TypedResults.Ok(WebhookEndpointResponse.From(endpoint))
            : OwnWebhooks.NotFound();
}
