using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Webhooks.RotateSecret;

/// <summary>
/// A new secret signs from now on; the one it replaces signs too until the grace period ends, so a receiver can switch
/// without losing an event. A second rotation within the grace period ends the first one's old secret at once.
/// </summary>
internal static class RotateWebhookSecret
{
    public static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid webhookId, NotificationsDbContext db, IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await OwnWebhooks.FindAsync(db, sellerId, webhookId, cancellationToken) is not { } endpoint)
        {
            return OwnWebhooks.NotFound();
        }

        endpoint.Rotate(WebhookSecrets.New(), clock.GetUtcNow(), options.Value.SecretRotationGrace);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new WebhookSecretResponse(WebhookEndpointResponse.From(endpoint), endpoint.Secret));
    }
}
