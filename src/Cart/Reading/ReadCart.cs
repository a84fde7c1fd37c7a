using Marketplace.Cart.Owners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Cart.Reading;

internal static class ReadCart
{
    public static Task<Results<Ok<CartResponse>, ProblemHttpResult>> Handle(CartOwner owner, CartReader reader, CancellationToken cancellationToken) =>
        reader.RespondAsync(owner, cancellationToken);
}
