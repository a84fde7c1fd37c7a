using FluentValidation;
using Marketplace.Notifications.Dispatch;
using Marketplace.Notifications.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Webhooks.Create;

/// <summary>A receiver to register.</summary>
/// <param name="Url">An absolute https URL on a public address (at most 2000 characters); no credentials, no fragment.</param>
/// <param name="EventTypes">One or more of order.placed, order.accepted, order.shipped, order.delivered, order.cancelled, order.ship_deadline_missed.</param>
public sealed record CreateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? EventTypes);

internal sealed class CreateWebhookEndpointRequestValidator : AbstractValidator<CreateWebhookEndpointRequest>
{
    public CreateWebhookEndpointRequestValidator(AddressGuard guard) =>
        WebhookUrlRules.Target(this, r => r.Url, r => r.EventTypes, guard.AllowLoopback);
}

internal static class CreateWebhookEndpoint
{
    public static async Task<Results<Created<WebhookSecretResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, CreateWebhookEndpointRequest request, NotificationsDbContext db, IOptions<WebhookOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxEndpointsPerSeller;
        if (await db.Endpoints.CountAsync(e => e.SellerId == sellerId, cancellationToken) >= limit)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Too many webhook endpoints",
                detail: $"A seller may register at most {limit} webhook endpoints; delete one first.");
        }

        var now = clock.GetUtcNow();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(now),
            SellerId = sellerId,
            Url = request.Url!,
            EventTypes = string.Join(' ', request.EventTypes!.Distinct(StringComparer.Ordinal)),
            Secret = WebhookSecrets.New(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Endpoints.Add(endpoint);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created(
            $"/api/v1/sellers/{sellerId}/webhooks/{endpoint.Id}",
            new WebhookSecretResponse(WebhookEndpointResponse.From(endpoint), endpoint.Secret));
    }
}
