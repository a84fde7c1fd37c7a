using System.Net;
using System.Net.Http.Json;

namespace Marketplace.Security.Tests;

/// <summary>A seller's webhook endpoints for the webhook routes to aim at: one to read, change and redeliver on, one to delete.</summary>
/// <param name="WebhookId">The endpoint every webhook route but the delete names.</param>
/// <param name="ToDelete">The endpoint the delete names, so that the control's delete takes nothing the other cases need.</param>
/// <param name="DeliveryId">A test delivery of <paramref name="WebhookId"/>, for the redelivery route.</param>
public sealed record SellerWebhooks(Guid WebhookId, Guid ToDelete, Guid DeliveryId)
{
    public static readonly SellerWebhooks None = new(Guid.Empty, Guid.Empty, Guid.Empty);

    /// <summary>
    /// An https URL on a name that never resolves (<c>.invalid</c>): the dispatcher's attempts fail at once and reach no
    /// one, and the endpoint stays enabled for far longer than the suite runs.
    /// </summary>
    public const string Url = "https://hooks.example.invalid/marketplace";

    public static async Task<SellerWebhooks> ArrangeAsync(Guid sellerId, HttpClient owner)
    {
        var path = $"/api/v1/sellers/{sellerId}/webhooks";
        var kept = await SecurityHost.Expect(await owner.PostAsJsonAsync(path, new { url = Url, eventTypes = new[] { "order.placed" } }), HttpStatusCode.Created);
        var deleted = await SecurityHost.Expect(await owner.PostAsJsonAsync(path, new { url = Url, eventTypes = new[] { "order.placed" } }), HttpStatusCode.Created);
        var webhookId = kept.GetProperty("endpoint").GetProperty("id").GetGuid();
        var delivery = await SecurityHost.Expect(await owner.PostAsync($"{path}/{webhookId}/test", null), HttpStatusCode.Accepted);
        return new SellerWebhooks(webhookId, deleted.GetProperty("endpoint").GetProperty("id").GetGuid(), delivery.GetProperty("id").GetGuid());
    }
}
