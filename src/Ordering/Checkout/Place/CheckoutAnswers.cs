using System.Text.Json;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Reading;
using Marketplace.Payments.Contracts;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Ordering.Checkout.Place;

/// <summary>
/// The answers stored with a checkout's Idempotency-Key, whoever finishes the checkout: the checkout itself, or the
/// sweeper that finishes one a crash stopped. Secrets are withheld and derived again on every replay.
/// </summary>
internal static class CheckoutAnswers
{
    /// <summary>Stands in a stored answer for a secret that is derived again on every replay, never stored.</summary>
    public const string Withheld = "";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>The answer for a group whose payment has an outcome: 201 with the orders, or 402 when it was refused.</summary>
    public static (int Status, string Body) Of(OrderGroup group, PaymentState payment)
    {
        if (group.PaymentStatus is GroupPaymentStatus.Declined or GroupPaymentStatus.Canceled)
        {
            return (StatusCodes.Status402PaymentRequired, JsonSerializer.Serialize(new
            {
                type = "https://tools.ietf.org/html/rfc9110#section-15.5.3",
                title = "The payment was declined",
                status = StatusCodes.Status402PaymentRequired,
                detail = (payment.Decline?.Reason ?? "The payment was canceled.") + " Nothing was reserved; try another payment method with a new Idempotency-Key.",
                code = "payment_declined",
                declineCode = payment.Decline?.Code,
                reason = payment.Decline?.Reason,
                orderGroupId = group.Id,
                number = group.Number,
            }, Json));
        }

        var next = payment.NextAction is { } action ? new CheckoutNextAction(action.Type, Withheld, action.ConfirmationPath, action.ExpiresAt) : null;
        var response = new CheckoutResponse(
            group.Id,
            group.Number,
            group.Currency,
            group.ItemsTotal,
            group.DeliveryTotal,
            group.Total,
            new CheckoutPaymentResponse(payment.PaymentId, OrderWords.Of(group.PaymentStatus), next),
            group.Orders.Select(o => new CheckoutOrderResponse(o.Id, o.Number, o.SellerId, OrderWords.Of(o.Status), o.ItemsTotal, o.Delivery.Price, o.Total)).ToList(),
            group.CustomerId is null ? Withheld : null);
        return (StatusCodes.Status201Created, JsonSerializer.Serialize(response, Json));
    }

    /// <summary>The answer for a checkout that stopped before its payment had an outcome, abandoned by the sweeper.</summary>
    public static (int Status, string Body) Abandoned(OrderGroup group) =>
        (StatusCodes.Status409Conflict, JsonSerializer.Serialize(new
        {
            type = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
            title = "The checkout was abandoned",
            status = StatusCodes.Status409Conflict,
            detail = "It stopped before its payment had an outcome; nothing is reserved or charged. Check out again with a new Idempotency-Key.",
            code = "checkout_abandoned",
            orderGroupId = group.Id,
        }, Json));
}
