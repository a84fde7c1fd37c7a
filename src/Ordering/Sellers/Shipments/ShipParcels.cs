using FluentValidation;
using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Sellers.Shipments;

/// <summary>Parcels of an order the seller ships.</summary>
/// <param name="Parcels">
/// One entry per parcel: its packed <c>weightGrams</c>, <c>lengthMm</c>, <c>widthMm</c> and <c>heightMm</c> to book it with
/// the order's carrier (the answer carries its tracking number and label); or a <c>carrier</c> and <c>trackingNumber</c> of
/// the seller's own, when the seller sent it itself.
/// </param>
/// <param name="RecipientPhone">The customer's phone number in international form, which carriers that call the customer (CDEK) require; checkout does not collect one.</param>
/// <param name="PickupPointId">For an order delivered to a carrier's pickup point: the point's code at the carrier.</param>
public sealed record ShipParcelsRequest(IReadOnlyList<ParcelRequest?>? Parcels, string? RecipientPhone, string? PickupPointId);

/// <summary>One parcel: a size to book with the order's carrier, or the seller's own carrier and tracking number.</summary>
/// <param name="Carrier">The carrier the seller handed it to (for its own tracking number).</param>
/// <param name="TrackingNumber">That carrier's tracking number.</param>
/// <param name="WeightGrams">Packed weight in grams (to book).</param>
/// <param name="LengthMm">Length in millimetres (to book).</param>
/// <param name="WidthMm">Width in millimetres (to book).</param>
/// <param name="HeightMm">Height in millimetres (to book).</param>
public sealed record ParcelRequest(string? Carrier, string? TrackingNumber, int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm);

internal sealed class ShipParcelsRequestValidator : AbstractValidator<ShipParcelsRequest>
{
    public ShipParcelsRequestValidator()
    {
        RuleFor(r => r.Parcels).NotEmpty();
        RuleForEach(r => r.Parcels).NotNull().SetValidator(new ParcelRequestValidator()!);
        RuleFor(r => r.RecipientPhone).MaximumLength(20).Matches(@"^\+?[0-9]{6,15}$").WithMessage("A phone number in international form, such as +79001234567.");
        RuleFor(r => r.PickupPointId).MaximumLength(100);
    }
}

/// <summary>
/// The shape of one parcel; what the order's carrier can take (its sizes and weights, a tracking number's characters) is
/// Delivery's to say when it ships it, by the same field paths.
/// </summary>
internal sealed class ParcelRequestValidator : AbstractValidator<ParcelRequest>
{
    public ParcelRequestValidator()
    {
        RuleFor(p => p.Carrier).MaximumLength(100);
        RuleFor(p => p.TrackingNumber).MaximumLength(100);
        RuleFor(p => p.WeightGrams).GreaterThan(0);
        RuleFor(p => p.LengthMm).GreaterThan(0);
        RuleFor(p => p.WidthMm).GreaterThan(0);
        RuleFor(p => p.HeightMm).GreaterThan(0);
    }
}

/// <summary>What the seller shipped: the parcels with their tracking, and where the order stands.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="OrderStatus">The order's status after the shipment (shipped).</param>
/// <param name="OrderVersion">The order's version after it.</param>
/// <param name="Parcels">The parcels this request shipped.</param>
public sealed record ShipmentResponse(Guid OrderId, string OrderStatus, int OrderVersion, IReadOnlyList<ParcelResponse> Parcels);

internal static class ShipParcels
{
    public static async Task<Results<Created<ShipmentResponse>, ProblemHttpResult, ValidationProblem>> Handle(
        Guid sellerId,
        Guid orderId,
        ShipParcelsRequest request,
        HttpContext http,
        OrderingDbContext db,
        IOrderShipments shipments,
        ParcelTimelines timelines,
        TimeProvider clock,
        IOptions<OrderingOptions> options,
        CancellationToken cancellationToken)
    {
        if (IdempotencyKeys.Read(http.Request, out var refusal) is not { } key)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(IdempotencyKeys.Header, refusal!.Replace("per checkout", "per shipment", StringComparison.Ordinal)));
        }

        var result = await ParcelShipping.ShipAsync(db, shipments, timelines, clock, sellerId, orderId, key, request, cancellationToken);
        switch (result)
        {
            case ShippingResult.Shipped shipped:
                // A repeat answers as the first did: the same parcels, 201.
                return TypedResults.Created($"/api/v1/sellers/{sellerId}/orders/{orderId}", shipped.Response);
            case ShippingResult.NotFound:
                return Transitions.OrderMoves.NotFound();
            case ShippingResult.WrongStatus wrong:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The order cannot be shipped now",
                    detail: $"An order that is {wrong.Status} is not shipped; accept it first.",
                    extensions: new Dictionary<string, object?> { ["rule"] = "IllegalTransition", ["status"] = OrderWords.Of(wrong.Status) });
            case ShippingResult.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            case ShippingResult.KeyReused:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The Idempotency-Key was used with another request",
                    detail: "This key shipped a different request before; send a new key for a new shipment.");
            case ShippingResult.CarrierDown down:
                var seconds = Math.Max(1, (int)Math.Ceiling(options.Value.CarrierRetryAfter.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The carrier did not answer",
                    detail: $"Carrier '{down.Carrier}' is not answering; send the same request with the same Idempotency-Key later and it carries on where this one stopped.");
            default:
                throw new InvalidOperationException($"Unknown shipping result {result}.");
        }
    }
}
