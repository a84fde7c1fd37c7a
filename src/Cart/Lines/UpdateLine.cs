using FluentValidation;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Lines;

/// <summary>The quantity a line should hold.</summary>
/// <param name="Quantity">From 1 up to the per-line limit; remove the line to have none.</param>
public sealed record UpdateLineRequest(int Quantity);

internal sealed class UpdateLineValidator : AbstractValidator<UpdateLineRequest>
{
    public UpdateLineValidator(IOptions<CartOptions> options) =>
        RuleFor(r => r.Quantity).InclusiveBetween(1, options.Value.MaxQuantityPerLine);
}

internal static class UpdateLine
{
    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Handle(
        [AsParameters] CartCaller caller, Guid offerId, UpdateLineRequest request, ICartStore store, CartReader reader, IOptions<CartOptions> options,
        CancellationToken cancellationToken)
    {
        var owner = caller.Owner;
        var write = await store.SetQuantityAsync(owner.Key, offerId, request.Quantity, CartLimits.From(options.Value), cancellationToken);
        return write.Status == CartWriteStatus.Written
            ? await reader.RespondAsync(owner, cancellationToken)
            : CartProblems.LineRefused(owner, offerId, write, options.Value);
    }
}
