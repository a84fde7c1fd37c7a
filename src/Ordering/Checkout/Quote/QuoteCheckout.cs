using FluentValidation;
using Marketplace.Cart.Contracts;
using Marketplace.Delivery.Contracts;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Checkout.Quote;

/// <summary>Where the cart would go.</summary>
/// <param name="ShippingAddress">The shipping address.</param>
public sealed record QuoteCheckoutRequest(ShippingAddressRequest? ShippingAddress);

internal sealed class QuoteCheckoutRequestValidator : AbstractValidator<QuoteCheckoutRequest>
{
    public QuoteCheckoutRequestValidator() =>
        RuleFor(r => r.ShippingAddress).NotNull().SetValidator(new ShippingAddressRequestValidator()!);
}

/// <summary>The delivery choices and totals of the cart to one address, held under a quote id until it expires.</summary>
/// <param name="QuoteId">Name it with each seller's option at checkout.</param>
/// <param name="ExpiresAt">Until when checkout holds the customer to these delivery prices.</param>
/// <param name="Currency">The currency of every amount.</param>
/// <param name="CartFingerprint">The cart's prices as shown here; send it at checkout to be held to them.</param>
/// <param name="Sellers">Per seller of the cart: its goods and its delivery options, cheapest first.</param>
/// <param name="ItemsTotal">The goods of the whole cart, after discounts.</param>
/// <param name="DeliveryTotal">The cheapest option of every seller together; null when a seller has no option.</param>
/// <param name="Total">Goods and the cheapest delivery; null when a seller has no option.</param>
public sealed record CheckoutQuoteResponse(
    Guid QuoteId,
    DateTimeOffset ExpiresAt,
    string Currency,
    string CartFingerprint,
    IReadOnlyList<SellerQuoteResponse> Sellers,
    decimal ItemsTotal,
    decimal? DeliveryTotal,
    decimal? Total);

/// <summary>One seller's part of the quote.</summary>
/// <param name="SellerId">The seller.</param>
/// <param name="ItemsTotal">Its goods after discounts.</param>
/// <param name="CheapestOptionId">The option the totals count; null when none can carry the parcels.</param>
/// <param name="Options">The delivery options, cheapest first.</param>
/// <param name="Unavailable">Services that cannot carry the parcels, and why.</param>
public sealed record SellerQuoteResponse(
    Guid SellerId, decimal ItemsTotal, string? CheapestOptionId, IReadOnlyList<DeliveryOptionResponse> Options, IReadOnlyList<UnavailableOptionResponse> Unavailable);

/// <summary>A delivery option of a seller.</summary>
/// <param name="OptionId">Name it at checkout.</param>
/// <param name="ServiceName">The service, as the customer sees it.</param>
/// <param name="Kind">courier_to_door, pickup_point or seller_own_delivery.</param>
/// <param name="Price">What it costs; zero when free delivery applies.</param>
/// <param name="FreeDeliveryRule">The pricing rule that made it free, when one did.</param>
/// <param name="EtaEarliest">The first day it may arrive.</param>
/// <param name="EtaLatest">The last day it should arrive.</param>
public sealed record DeliveryOptionResponse(string OptionId, string ServiceName, string Kind, decimal Price, string? FreeDeliveryRule, DateOnly EtaEarliest, DateOnly EtaLatest);

/// <summary>A service that cannot carry a seller's parcels.</summary>
/// <param name="ServiceName">The service.</param>
/// <param name="Reason">Why, in words.</param>
public sealed record UnavailableOptionResponse(string ServiceName, string Reason);

internal static class QuoteCheckout
{
    public static async Task<Results<Ok<CheckoutQuoteResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        QuoteCheckoutRequest request, HttpContext http, ICartCheckout carts, IDeliveryQuotes quotes, CancellationToken cancellationToken)
    {
        var (caller, problem) = carts.CallerOf(http);
        if (caller is null)
        {
            return problem!;
        }

        var cart = await carts.PriceAsync(caller, cancellationToken);
        if (CheckoutProblems.Unbuyable(cart) is { } unbuyable)
        {
            return unbuyable;
        }

        var outcome = await quotes.QuoteAsync(
            new DeliveryQuoteRequest(cart!.Currency!, request.ShippingAddress!.ToDelivery(), CheckoutCartShapes.Shipments(cart)), cancellationToken);
        if (outcome is DeliveryQuoteOutcome.Invalid invalid)
        {
            return TypedResults.ValidationProblem(CheckoutCartShapes.AddressErrors(invalid.Errors));
        }

        var quote = ((DeliveryQuoteOutcome.Quoted)outcome).Quote;
        var sellers = cart.Sellers.Select(group =>
        {
            var options = quote.Sellers.First(s => s.SellerId == group.SellerId);
            return new SellerQuoteResponse(
                group.SellerId,
                group.Total?.Amount ?? 0m,
                options.Options.Count > 0 ? options.Options[0].OptionId : null,
                options.Options.Select(o => new DeliveryOptionResponse(
                    o.OptionId, o.ServiceName, Reading.OrderWords.Of(o.Kind), o.Price.Amount, o.FreeDelivery?.RuleName, o.Eta.Earliest, o.Eta.Latest)).ToList(),
                options.Unavailable.Select(u => new UnavailableOptionResponse(u.ServiceName, u.Detail)).ToList());
        }).ToList();
        var itemsTotal = cart.Total!.Value.Amount;
        decimal? deliveryTotal = sellers.All(s => s.Options.Count > 0) ? sellers.Sum(s => s.Options[0].Price) : null;
        return TypedResults.Ok(new CheckoutQuoteResponse(
            quote.QuoteId, quote.ExpiresAt, cart.Currency!, cart.Fingerprint, sellers, itemsTotal, deliveryTotal, itemsTotal + deliveryTotal));
    }
}
