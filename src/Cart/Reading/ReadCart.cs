using Marketplace.Cart.Owners;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Cart.Reading;

internal static class ReadCart
{
    public static Task<Results<Ok<CartResponse>, ProblemHttpResult>> Handle([AsParameters] CartCaller caller, CartReader reader, CancellationToken cancellationToken) =>
        reader.RespondAsync(caller.Owner, cancellationToken);
}
