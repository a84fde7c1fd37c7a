using Marketplace.Cart.Owners;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Lines;

internal static class RemoveLine
{
    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Handle(
        [AsParameters] CartCaller caller, Guid offerId, ICartStore store, CartReader reader, IOptions<CartOptions> options, CancellationToken cancellationToken)
    {
        var owner = caller.Owner;
        var write = await store.RemoveAsync(owner.Key, offerId, CartLimits.From(options.Value), cancellationToken);
        return write.Status == CartWriteStatus.Written
            ? await reader.RespondAsync(owner, cancellationToken)
            : CartProblems.LineRefused(owner, offerId, write, options.Value);
    }
}
