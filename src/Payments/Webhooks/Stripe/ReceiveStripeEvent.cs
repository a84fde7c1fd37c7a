using System.Security.Cryptography;
using System.Text;
using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Disputes;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers.Stripe;
using Marketplace.Platform.Http;
using Marketplace.Platform.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;
using StripeDispute = Stripe.Dispute;

namespace Marketplace.Payments.Webhooks.Stripe;

/// <summary>
/// Stripe's webhook: verifies the signature on the raw body, records the event in the Payments inbox by its id, and
/// moves the payment to where the PaymentIntent, read again from Stripe, now is. The event's own copy of the intent is
/// never trusted: events arrive late, twice and out of order, and only the re-read tells the present. A webhook never
/// creates a payment (only checkout does); an intent we did not make is logged and acknowledged. Disputes
/// (<c>charge.dispute.*</c>) and connected accounts (<c>account.updated</c>) are followed the same way: the dispute or
/// the account is read again from Stripe, and our record takes what Stripe says now.
/// </summary>
internal sealed partial class ReceiveStripeEvent(
    PaymentsDbContext db,
    Cashier cashier,
    DisputeDesk disputes,
    StripeProvider stripe,
    IOptions<StripeOptions> stripeOptions,
    IOptions<PaymentsOptions> paymentsOptions,
    TimeProvider clock,
    ILogger<ReceiveStripeEvent> logger)
{
    public const string SignatureHeader = "Stripe-Signature";

    /// <summary>The inbox's consumer name for Stripe's events.</summary>
    public const string Consumer = "stripe-webhook";

    public static async Task<Results<Ok, ProblemHttpResult>> Handle(HttpRequest request, ReceiveStripeEvent receiver, CancellationToken cancellationToken)
    {
        var limit = receiver.MaxBodyBytes;
        if (await LimitedBody.ReadTextAsync(request, limit, cancellationToken) is not { } payload)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The event is too large",
                detail: $"Stripe's events are far smaller than {limit} bytes (Payments:Stripe:MaxWebhookBytes).");
        }

        var header = request.Headers[SignatureHeader].ToString();
        bool valid;
        try
        {
            valid = await receiver.ReceiveAsync(payload, header, cancellationToken);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || Platform.Persistence.ModuleDbContext.IsUniqueViolation(e))
        {
            // Another delivery about the same object won the race; this one kept nothing (not even its inbox record),
            // and Stripe retries any answer that is not a 2xx, so the retry reads the object again and applies it.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Another event about the same object is being applied",
                detail: "Nothing of this event was kept; a retry applies it.");
        }

        return valid
            ? TypedResults.Ok()
            : TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "The event's signature is not valid",
                detail: $"The {SignatureHeader} header is missing, does not sign this body with the endpoint's secret, or is older than the tolerance. Nothing was changed.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [SignatureHeader] = ["Not a valid signature of this body."] } });
    }

    private int MaxBodyBytes => stripeOptions.Value.MaxWebhookBytes;

    /// <returns>False when the signature does not hold; nothing was read or changed then.</returns>
    public async Task<bool> ReceiveAsync(string payload, string signatureHeader, CancellationToken cancellationToken)
    {
        Event stripeEvent;
        try
        {
            // The event's API version may differ from Stripe.net's: only its id, type and object id are used, and the
            // intent is read again with this library's own version.
            stripeEvent = EventUtility.ConstructEvent(
                payload,
                signatureHeader,
                stripeOptions.Value.WebhookSecret,
                (long)stripeOptions.Value.WebhookTolerance.TotalSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(),
                throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            LogRefused(e.Message);
            return false;
        }

        switch (stripeEvent.Data?.Object)
        {
            case PaymentIntent notified:
                await FollowAsync(stripeEvent, notified.Id, cancellationToken);
                break;
            case StripeDispute dispute:
                await FollowDisputeAsync(stripeEvent, dispute.Id, cancellationToken);
                break;
            case Account account:
                await FollowAccountAsync(stripeEvent, account.Id, cancellationToken);
                break;
            default:
                LogIgnored(stripeEvent.Id, stripeEvent.Type);
                break;
        }

        return true;
    }

    /// <summary>
    /// A dispute opened, changed or closed: read it again (its order and its state are Stripe's now, not the event's),
    /// and bring our record and the ledger to it, once per event. A race with another event of the same dispute fails
    /// this one (a 409, with nothing kept, not even the inbox record), and Stripe's retry reads again.
    /// </summary>
    private async Task FollowDisputeAsync(Event stripeEvent, string disputeId, CancellationToken cancellationToken)
    {
        var now = await stripe.ReadDisputeAsync(disputeId, cancellationToken);
        if (now is null)
        {
            LogUnknownDispute(stripeEvent.Id, stripeEvent.Type, disputeId);
            return;
        }

        DisputeStatus? followed = null;
        var first = await db.ApplyOnceAsync(
            InboxIdOf(stripeEvent.Id), Consumer, clock, async token => followed = (await disputes.ApplyAsync(now, stripe.Name, token))?.Status, cancellationToken);
        if (!first)
        {
            LogDuplicateOf(stripeEvent.Id, stripeEvent.Type, disputeId);
            return;
        }

        LogDisputeFollowed(stripeEvent.Id, stripeEvent.Type, disputeId, now.Status, followed);
    }

    /// <summary>
    /// A connected account changed (the seller finished onboarding, or Stripe needs more): read it again and keep what it
    /// says of payout readiness, so a seller who became ready is paid on the next payout run.
    /// </summary>
    private async Task FollowAccountAsync(Event stripeEvent, string accountId, CancellationToken cancellationToken)
    {
        var record = await db.SellerPayoutAccounts.SingleOrDefaultAsync(a => a.AccountId == accountId && a.Provider == stripe.Name, cancellationToken);
        if (record is null)
        {
            LogUnknownAccount(stripeEvent.Id, stripeEvent.Type, accountId);
            return;
        }

        var now = await stripe.ReadSellerAccountAsync(accountId, cancellationToken);
        var first = await db.ApplyOnceAsync(InboxIdOf(stripeEvent.Id), Consumer, clock, _ =>
        {
            record.Apply(now, clock.GetUtcNow());
            return Task.CompletedTask;
        }, cancellationToken);
        if (!first)
        {
            LogDuplicateOf(stripeEvent.Id, stripeEvent.Type, accountId);
            return;
        }

        LogAccountFollowed(stripeEvent.Id, record.SellerId, accountId, record.Ready);
    }

    private async Task FollowAsync(Event stripeEvent, string intentId, CancellationToken cancellationToken)
    {
        var intent = await stripe.ReadAsync(intentId, cancellationToken);
        var paymentId = intent.Metadata is { } metadata && metadata.TryGetValue(StripeProvider.PaymentIdKey, out var raw) && Guid.TryParse(raw, out var id)
            ? id
            : (Guid?)null;
        var payment = paymentId is null ? null : await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken);
        if (payment is null
            || !string.Equals(payment.Provider, PaymentsOptions.Stripe, StringComparison.Ordinal)
            || (payment.ProviderReference is { } known && known != intent.Id))
        {
            LogUnknownIntent(stripeEvent.Id, stripeEvent.Type, intent.Id);
            return;
        }

        var answer = StripeProvider.AnswerOf(intent);
        var actionTimeout = paymentsOptions.Value.ActionTimeout;
        var changed = false;
        var first = await db.ApplyOnceAsync(InboxIdOf(stripeEvent.Id), Consumer, clock, async token =>
        {
            if (answer is not null)
            {
                (payment, changed) = await cashier.TransitionAsync(payment.Id, (p, now) => p.Follow(answer, now, actionTimeout), token);
            }
        }, cancellationToken);
        if (!first)
        {
            LogDuplicate(stripeEvent.Id, stripeEvent.Type, payment.Id);
            return;
        }

        LogFollowed(stripeEvent.Id, stripeEvent.Type, payment.Id, intent.Status, payment.Status, changed);

        // A payment we decided against (declined, canceled) must hold nothing: the customer may have tried again in
        // Stripe.js after Ordering had released the reservation. After the commit, as the sweeper does.
        if (payment.Status is PaymentStatus.Declined or PaymentStatus.Canceled && StripeProvider.MayHold(intent))
        {
            await stripe.VoidAsync(payment.Id, intent.Id, cancellationToken);
            LogReleased(payment.Id, intent.Id);
        }
    }

    /// <summary>The inbox keys messages by GUID; a Stripe event id maps to one, always the same.</summary>
    private static Guid InboxIdOf(string eventId) => new(SHA256.HashData(Encoding.UTF8.GetBytes($"stripe-event:{eventId}")).AsSpan(0, 16));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Stripe webhook was refused: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) is about dispute {DisputeId}, which Stripe does not know: acknowledged, nothing changed")]
    private partial void LogUnknownDispute(string eventId, string type, string disputeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) about {ObjectId} was received before: nothing changed")]
    private partial void LogDuplicateOf(string eventId, string type, string objectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}): dispute {DisputeId} is {ProviderStatus} at Stripe, ours {Status}")]
    private partial void LogDisputeFollowed(string eventId, string type, string disputeId, string providerStatus, DisputeStatus? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) is about account {AccountId}, which is no seller's payout account: acknowledged, nothing changed")]
    private partial void LogUnknownAccount(string eventId, string type, string accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId}: seller {SellerId}'s account {AccountId} read again, ready: {Ready}")]
    private partial void LogAccountFollowed(string eventId, Guid sellerId, string accountId, bool ready);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) is not about a PaymentIntent, a dispute or an account: acknowledged, nothing to do")]
    private partial void LogIgnored(string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) is about PaymentIntent {IntentId}, which no payment of ours made: acknowledged, nothing created")]
    private partial void LogUnknownIntent(string eventId, string type, string intentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}) for payment {PaymentId} was received before: nothing changed")]
    private partial void LogDuplicate(string eventId, string type, Guid paymentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}): payment {PaymentId}'s intent is {IntentStatus}, the payment {Status} (changed: {Changed})")]
    private partial void LogFollowed(string eventId, string type, Guid paymentId, string intentStatus, PaymentStatus status, bool changed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} is decided against but PaymentIntent {IntentId} could still hold money: canceled it at Stripe")]
    private partial void LogReleased(Guid paymentId, string intentId);
}
