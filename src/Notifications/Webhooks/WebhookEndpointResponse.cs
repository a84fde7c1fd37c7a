using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Webhooks;

/// <summary>A webhook endpoint as its seller reads it. The signing secret is shown only when it is made (create, rotate).</summary>
/// <param name="Id">The endpoint.</param>
/// <param name="Url">Where the events are POSTed.</param>
/// <param name="EventTypes">The subscribed event types.</param>
/// <param name="Enabled">False when its seller turned it off, or the sender did (see <paramref name="DisabledReason"/>).</param>
/// <param name="DisabledReason">Why the sender disabled it (a 410 answer, or failing for too long); null otherwise.</param>
/// <param name="FailingSince">When its current run of failed attempts began; null while it answers.</param>
/// <param name="PreviousSecretExpiresAt">Until when the secret replaced by the last rotation still signs, beside the new one.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record WebhookEndpointResponse(
    Guid Id, string Url, IReadOnlyList<string> EventTypes, bool Enabled, string? DisabledReason, DateTimeOffset? FailingSince,
    DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static WebhookEndpointResponse From(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.Subscribed, e.Enabled, e.DisabledReason, e.FailingSince, e.PreviousSecretExpiresAt, e.CreatedAt, e.UpdatedAt);
}

/// <summary>An endpoint with its new signing secret: store the secret now, it is never shown again.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Secret"><c>whsec_</c> + base64 of the HMAC key; verify <c>webhook-signature</c> with it (Standard Webhooks).</param>
public sealed record WebhookSecretResponse(WebhookEndpointResponse Endpoint, string Secret);

/// <summary>Finds a seller's own endpoint; another seller's is as absent as one that never existed.</summary>
internal static class OwnWebhooks
{
    public static Task<WebhookEndpoint?> FindAsync(NotificationsDbContext db, Guid sellerId, Guid webhookId, CancellationToken cancellationToken) =>
        db.Endpoints.FirstOrDefaultAsync(e => e.Id == webhookId && e.SellerId == sellerId, cancellationToken);

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Webhook endpoint not found", detail: "No webhook endpoint with this id is this seller's.");
}
