using Marketplace.Cart.Storage;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Cart.Owners;

internal enum CartOwnerKind
{
    /// <summary>Neither a guest token nor a signed-in customer.</summary>
    Nobody,

    /// <summary>A guest token that cannot be one (malformed); it opens no cart.</summary>
    MalformedToken,
    Guest,
    Customer,
}

/// <summary>
/// Whose cart a request works on. A guest token in <see cref="GuestToken.Header"/> names a guest cart (the token is
/// its only key); otherwise a signed-in customer works on its own cart, named by its account. Nobody else's cart can
/// be named at all, so a customer only ever touches its own.
/// </summary>
internal sealed record CartOwner(CartOwnerKind Kind, CartKey Key, Guid? CustomerId)
{
    private static readonly CartOwner Nobody = new(CartOwnerKind.Nobody, default, null);

    public static ValueTask<CartOwner?> BindAsync(HttpContext http) => ValueTask.FromResult<CartOwner?>(Of(http));

    public static CartOwner Of(HttpContext http)
    {
        var customerId = CustomerOf(http);
        if (http.Request.Headers.TryGetValue(GuestToken.Header, out var token))
        {
            return GuestToken.StorageId(token.ToString()) is { } id
                ? new CartOwner(CartOwnerKind.Guest, new CartKey(id, IsGuest: true), customerId)
                : new CartOwner(CartOwnerKind.MalformedToken, default, customerId);
        }

        return customerId is { } customer
            ? new CartOwner(CartOwnerKind.Customer, Customer(customer), customer)
            : Nobody;
    }

    public static CartKey Customer(Guid customerId) => new(customerId.ToString("N"), IsGuest: false);

    /// <summary>A signed-in customer: a person's token (not a seller API key) with the customer role.</summary>
    public static Guid? CustomerOf(HttpContext http) =>
        http.User.HasClaim(MarketplaceClaims.Role, MarketplaceClaims.Roles.Customer) ? http.User.UserId() : null;
}
