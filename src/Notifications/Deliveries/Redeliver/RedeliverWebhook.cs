using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Marketplace.Notifications.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Deliveries.Redeliver;

/// <summary>
/// Sends a delivery again, whatever became of it, under the same <c>webhook-id</c>; its retries start over, with a
/// fresh max age. Later events of the same order to this endpoint wait for it, as they would for any pending one.
/// </summary>
internal static class RedeliverWebhook
{
    public static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid webhookId, Guid deliveryId, NotificationsDbContext db, DispatchSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await OwnWebhooks.FindAsync(db, sellerId, webhookId, cancellationToken) is not { } endpoint)
        {
            return OwnWebhooks.NotFound();
        }

        var delivery = await db.Deliveries.Include(d => d.AttemptLog).FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == webhookId, cancellationToken);
        if (delivery is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: "This endpoint has no delivery with this id.");
        }

        if (!endpoint.Enabled)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Webhook endpoint disabled",
                detail: "Enable the endpoint (PUT it with enabled: true) before redelivering to it.");
        }

        var now = clock.GetUtcNow();
        delivery.Status = DeliveryStatus.Pending;
        delivery.NextAttemptAt = now;
        delivery.RetryingSince = now;
        delivery.CompletedAt = null;
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Accepted($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries", WebhookDeliveryResponse.From(delivery));
    }
}
