using Marketplace.Notifications.Deliveries.List;
using Marketplace.Notifications.Deliveries.Redeliver;
using Marketplace.Notifications.Webhooks.Create;
using Marketplace.Notifications.Webhooks.Delete;
using Marketplace.Notifications.Webhooks.List;
using Marketplace.Notifications.Webhooks.Read;
using Marketplace.Notifications.Webhooks.RotateSecret;
using Marketplace.Notifications.Webhooks.SendTest;
using Marketplace.Notifications.Webhooks.Update;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Notifications;

/// <summary>
/// A seller's webhook endpoints, their secrets and their delivery logs. Every route sits under
/// <c>/sellers/{sellerId}/webhooks</c>, in one group that checks the caller acts for that seller; another seller's endpoint is 404.
/// </summary>
internal static class SellerApi
{
    private const string Signing = "Deliveries follow Standard Webhooks: headers webhook-id (the same on every retry), webhook-timestamp (Unix seconds) and " +
        "webhook-signature (v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{body}\"> keyed with the secret's base64 part after whsec_).";

    public static RouteGroupBuilder MapSellerApi(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/sellers/{sellerId:guid}/webhooks")
            .WithTags("Seller webhooks")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller)
            .AddEndpointFilter<SellerAccessFilter>()
            .NeverStored()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        webhooks.MapPost("/", CreateWebhookEndpoint.Handle)
            .WithName("CreateWebhookEndpoint")
            .WithSummary("Register an https endpoint for some order events; the answer holds its signing secret, shown only now")
            .WithDescription(Signing + " A seller has a configured maximum of endpoints (409 beyond it).")
            .Validate<CreateWebhookEndpointRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        webhooks.MapGet("/", ListSellerWebhooks.Handle)
            .WithName("ListWebhookEndpoints")
            .WithSummary("The seller's webhook endpoints, oldest first, without their secrets");
        var one = webhooks.MapGroup("/{webhookId:guid}").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapGet("/", ReadWebhookEndpoint.Handle)
            .WithName("GetWebhookEndpoint")
            .WithSummary("One webhook endpoint: its URL, event types, whether it is enabled, and why the sender disabled it if it did");
        one.MapPut("/", UpdateWebhookEndpoint.Handle)
            .WithName("UpdateWebhookEndpoint")
            .WithSummary("Change the endpoint's URL and event types, and turn it on or off")
            .WithDescription("Turning a disabled endpoint on clears the sender's reason; its pending deliveries go out again, in order, until they are too old.")
            .Validate<UpdateWebhookEndpointRequest>();
        one.MapDelete("/", DeleteWebhookEndpoint.Handle)
            .WithName("DeleteWebhookEndpoint")
            .WithSummary("Remove the endpoint and its delivery log");
        one.MapPost("/rotate-secret", RotateWebhookSecret.Handle)
            .WithName("RotateWebhookSecret")
            .WithSummary("Replace the signing secret; the old one keeps signing beside it for the configured grace period")
            .WithDescription("During the grace period webhook-signature carries two space-separated signatures, one per secret.");
        one.MapPost("/test", SendTestWebhook.Handle)
            .WithName("SendTestWebhook")
            .WithSummary("Queue a signed webhook.test event for this endpoint; follow it in the delivery log")
            .ProducesProblem(StatusCodes.Status409Conflict);
        one.MapGet("/deliveries", ListWebhookDeliveries.Handle)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The endpoint's delivery log, newest first, keyset-paged: each delivery with its attempts (status code, latency, error, time)")
            .ProducesValidationProblem();
        one.MapPost("/deliveries/{deliveryId:guid}/redeliver", RedeliverWebhook.Handle)
            .WithName("RedeliverWebhook")
            .WithSummary("Send a delivery again under the same webhook-id, with its retries starting over")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
