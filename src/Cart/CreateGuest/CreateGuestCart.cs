using System.Security.Claims;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Cart.CreateGuest;

/// <summary>A new guest cart and the token that opens it.</summary>
/// <param name="Token">Send it in the X-Cart-Token header on every call for this cart. It is shown only here; keep it secret.</param>
/// <param name="Cart">The (empty) cart.</param>
public sealed record GuestCartResponse(string Token, CartResponse Cart);

internal static class CreateGuestCart
{
    public static async Task<Created<GuestCartResponse>> Handle(ICartStore store, CartReader reader, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var token = GuestToken.New();
        var key = new CartKey(GuestToken.StorageId(token)!, IsGuest: true);
        await store.CreateAsync(key, cancellationToken);
        var owner = new CartOwner(CartOwnerKind.Guest, key, CartOwner.CustomerOf(user));
        var cart = await reader.PriceAsync(StoredCart.Empty, owner, cancellationToken);
        return TypedResults.Created("/api/v1/cart", new GuestCartResponse(token, cart));
    }
}
