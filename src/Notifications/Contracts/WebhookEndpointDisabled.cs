namespace Marketplace.Notifications.Contracts;

/// <summary>
/// The sender turned a seller's webhook endpoint off: it answered 410 Gone, or every attempt failed for too long.
/// Published through the Notifications outbox in the same transaction as the change, so the seller's owner is told
/// (by mail) even when the host stops right after.
/// </summary>
/// <param name="EndpointId">The endpoint.</param>
/// <param name="SellerId">The seller that registered it.</param>
/// <param name="Url">Where it pointed.</param>
/// <param name="Reason">Why it was disabled, as its <c>disabledReason</c> says.</param>
/// <param name="DisabledAt">When.</param>
public sealed record WebhookEndpointDisabled(Guid EndpointId, Guid SellerId, string Url, string Reason, DateTimeOffset DisabledAt);
