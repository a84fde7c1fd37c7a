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

/// <summary>
/// Hands out a guest token and stores nothing: the cart is stored by its first line or promo code, so tokens asked for
/// and never used cost no memory.
/// </summary>
internal static class CreateGuestCart
{
    public static async Task<Created<GuestCartResponse>> Handle(CartReader reader, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        var token = GuestToken.New(clock.GetUtcNow());
        var facts = GuestToken.Read(token)!.Value;
        var owner = new CartOwner(CartOwnerKind.Guest, new CartKey(facts.StorageId, IsGuest: true), CartOwner.CustomerOf(user), facts.IssuedAt);
        var cart = await reader.PriceAsync(StoredCart.Empty, owner, cancellationToken);
        return TypedResults.Created("/api/v1/cart", new GuestCartResponse(token, cart));
    }
}
