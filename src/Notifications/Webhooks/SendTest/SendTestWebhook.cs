using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Notifications.Webhooks.SendTest;

/// <summary>
/// Queues a <c>webhook.test</c> event for one endpoint, signed and retried like any other, so a partner can check its
/// receiver and its signature check before real orders arrive.
/// </summary>
internal static class SendTestWebhook
{
    public static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid webhookId, NotificationsDbContext db, DispatchSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await OwnWebhooks.FindAsync(db, sellerId, webhookId, cancellationToken) is not { } endpoint)
        {
            return OwnWebhooks.NotFound();
        }

        if (!endpoint.Enabled)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Webhook endpoint disabled",
                detail: "Enable the endpoint (PUT it with enabled: true) before sending it a test event.");
        }

        var now = clock.GetUtcNow();
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(now),
            EndpointId = endpoint.Id,
            SellerId = sellerId,
            EventId = Guid.NewGuid(),
            EventType = WebhookEventTypes.Test,
            Payload = WebhookPayloads.Body(WebhookEventTypes.Test, now, WebhookPayloads.Test(endpoint.Id)),
            NextAttemptAt = now,
            RetryingSince = now,
            CreatedAt = now,
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Accepted($"/api/v1/sellers/{sellerId}/webhooks/{webhookId}/deliveries", WebhookDeliveryResponse.From(delivery));
    }
}
