using FluentValidation;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Marketplace.Catalog.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Lines;

/// <summary>Units of an offer to put in the cart; adding an offer the cart holds adds to its quantity.</summary>
/// <param name="OfferId">The offer (seller × SKU).</param>
/// <param name="Quantity">Units to add, from 1 up to the per-line limit.</param>
public sealed record AddLineRequest(Guid OfferId, int Quantity);

internal sealed class AddLineValidator : AbstractValidator<AddLineRequest>
{
    public AddLineValidator(IOptions<CartOptions> options)
    {
        RuleFor(r => r.OfferId).NotEmpty();
        RuleFor(r => r.Quantity).InclusiveBetween(1, options.Value.MaxQuantityPerLine);
    }
}

internal static class AddLine
{
    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Handle(
        [AsParameters] CartCaller caller, AddLineRequest request, IOfferLookup offers, ICartStore store, CartReader reader, IOptions<CartOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var owner = caller.Owner;
        var found = await offers.FindAsync([request.OfferId], cancellationToken);
        if (!found.TryGetValue(request.OfferId, out var offer) || !offer.Active)
        {
            return CartProblems.Unprocessable("offerId", $"No offer {request.OfferId} can be bought.");
        }

        var write = await store.AddAsync(
            owner.Key, new NewLine(offer.OfferId, offer.SellerId, request.Quantity, offer.Price), CartLimits.From(options.Value),
            mayCreate: !owner.GuestTokenOutlived(clock.GetUtcNow(), options.Value), cancellationToken);
        return write.Status == CartWriteStatus.Written
            ? await reader.RespondAsync(owner, cancellationToken)
            : CartProblems.Refused(write, options.Value, request.OfferId);
    }
}
