using Marketplace.Cart.Owners;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Merge;

/// <summary>The customer's cart after a guest cart was merged into it.</summary>
/// <param name="Cart">The customer's cart, priced.</param>
/// <param name="AlreadyMerged">True when this guest cart had already been merged into this customer's cart (nothing changed).</param>
/// <param name="LinesLeftBehind">Offers of the guest cart that did not fit (the customer's cart was at its line limit).</param>
public sealed record MergeCartResponse(CartResponse Cart, bool AlreadyMerged, IReadOnlyList<Guid> LinesLeftBehind);

/// <summary>
/// After signing in, the client sends the guest token it held: the guest cart's lines join the customer's cart
/// (quantities add up, capped at the line limit), its promo codes come along, and the guest cart is gone.
/// </summary>
internal static class MergeCart
{
    public static async Task<Results<Ok<MergeCartResponse>, ProblemHttpResult>> Handle(
        [AsParameters] CartCaller caller, ICartStore store, CartReader reader, IOptions<CartOptions> options, CancellationToken cancellationToken)
    {
        var customerId = CartOwner.CustomerOf(caller.User);
        if (customerId is not { } customer)
        {
            return CartProblems.Nobody();
        }

        var guestId = GuestToken.StorageId(caller.CartToken);
        if (guestId is null)
        {
            return CartProblems.CartNotFound();
        }

        var target = new CartOwner(CartOwnerKind.Customer, CartOwner.Customer(customer), customer);
        var merged = await store.MergeAsync(new CartKey(guestId, IsGuest: true), target.Key, customer, CartLimits.From(options.Value), cancellationToken);
        if (merged.Status == MergeStatus.GuestCartNotFound)
        {
            return CartProblems.CartNotFound();
        }

        var cart = await reader.ReadAsync(target, cancellationToken);
        return TypedResults.Ok(new MergeCartResponse(cart!, merged.Status == MergeStatus.AlreadyMerged, merged.LinesLeftBehind));
    }
}
