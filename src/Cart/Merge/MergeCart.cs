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
        [AsParameters] CartCaller caller, ICartStore store, CartReader reader, IOptions<CartOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var customerId = CartOwner.CustomerOf(caller.User);
        if (customerId is not { } customer)
        {
            return CartProblems.Nobody();
        }

        var guest = CartOwner.Of(caller.CartToken, caller.User);
        if (guest.Kind != CartOwnerKind.Guest)
        {
            return CartProblems.CartNotFound();
        }

        var target = new CartOwner(CartOwnerKind.Customer, CartOwner.Customer(customer), customer);
        var merged = await store.MergeAsync(guest.Key, target.Key, customer, CartLimits.From(options.Value), cancellationToken);

        // A young token with nothing stored is a guest cart that never got a line: there is nothing to merge. One
        // merged into another customer's cart stays theirs.
        if (merged.Status == MergeStatus.GuestCartNotFound
            && (guest.GuestTokenOutlived(clock.GetUtcNow(), options.Value) || await store.WasMergedAsync(guest.Key, cancellationToken)))
        {
            return CartProblems.CartNotFound();
        }

        var cart = await reader.ReadAsync(target, cancellationToken);
        return TypedResults.Ok(new MergeCartResponse(cart!, merged.Status == MergeStatus.AlreadyMerged, merged.LinesLeftBehind));
    }
}
