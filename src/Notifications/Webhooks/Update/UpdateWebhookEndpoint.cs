using FluentValidation;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Notifications.Webhooks.Update;

/// <summary>The endpoint's new target and subscription.</summary>
/// <param name="Url">An absolute https URL on a public address (at most 2000 characters); no credentials, no fragment.</param>
/// <param name="EventTypes">One or more of order.placed, order.accepted, order.shipped, order.delivered, order.cancelled, order.ship_deadline_missed.</param>
/// <param name="Enabled">
/// True turns the endpoint on again (clearing the reason the sender disabled it); false turns it off. Omitted: unchanged.
/// </param>
public sealed record UpdateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? EventTypes, bool? Enabled);

internal sealed class UpdateWebhookEndpointRequestValidator : AbstractValidator<UpdateWebhookEndpointRequest>
{
    public UpdateWebhookEndpointRequestValidator(AddressGuard guard) =>
        WebhookUrlRules.Target(this, r => r.Url, r => r.EventTypes, guard.AllowLoopback);
}

internal static class UpdateWebhookEndpoint
{
    public static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, Guid webhookId, UpdateWebhookEndpointRequest request, NotificationsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await OwnWebhooks.FindAsync(db, sellerId, webhookId, cancellationToken) is not { } endpoint)
        {
            return OwnWebhooks.NotFound();
        }

        endpoint.Url = request.Url!;
        endpoint.EventTypes = string.Join(' ', request.EventTypes!.Distinct(StringComparer.Ordinal));
        if (request.Enabled is { } enabled && (enabled != endpoint.Enabled || endpoint.DisabledReason is not null))
        {
            // Either way the sender's reason goes: the seller has acted on it, or has chosen to keep the endpoint off.
            endpoint.Enabled = enabled;
            endpoint.DisabledReason = null;
            endpoint.FailingSince = null;
        }

        endpoint.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(WebhookEndpointResponse.From(endpoint));
    }
}
