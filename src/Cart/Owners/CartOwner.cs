using System.Security.Claims;
using Marketplace.Cart.Storage;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

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
internal sealed record CartOwner(CartOwnerKind Kind, CartKey Key, Guid? CustomerId, DateTimeOffset? GuestTokenIssuedAt = null)
{
    private static readonly CartOwner Nobody = new(CartOwnerKind.Nobody, default, null);

    /// <summary>
    /// A guest token older than a guest cart may idle: were its cart still stored, a change since would have kept it,
    /// so a token this old with no cart stored names a cart that expired (or was never used), not one to start now.
    /// </summary>
    public bool GuestTokenOutlived(DateTimeOffset now, CartOptions options) =>
        Kind == CartOwnerKind.Guest && GuestTokenIssuedAt + options.GuestIdleTimeToLive <= now;

    public static CartOwner Of(HttpContext http) =>
        Of(http.Request.Headers.TryGetValue(GuestToken.Header, out var token) ? token.ToString() : null, http.User);

    /// <summary>The cart named by a guest token (null when none was sent), else the signed-in customer's.</summary>
    public static CartOwner Of(string? guestToken, ClaimsPrincipal user)
    {
        var customerId = CustomerOf(user);
        if (guestToken is not null)
        {
            return GuestToken.Read(guestToken) is { } token
                ? new CartOwner(CartOwnerKind.Guest, new CartKey(token.StorageId, IsGuest: true), customerId, token.IssuedAt)
                : new CartOwner(CartOwnerKind.MalformedToken, default, customerId);
        }

        return customerId is { } customer
            ? new CartOwner(CartOwnerKind.Customer, Customer(customer), customer)
            : Nobody;
    }

    public static CartKey Customer(Guid customerId) => new(customerId.ToString("N"), IsGuest: false);

    /// <summary>A signed-in customer: a person's token (not a seller API key) with the customer role.</summary>
    public static Guid? CustomerOf(ClaimsPrincipal user) =>
        user.HasClaim(MarketplaceClaims.Role, MarketplaceClaims.Roles.Customer) ? user.UserId() : null;
}

/// <summary>
/// What the cart routes read of the caller: the guest token header (declared here so the API description shows it)
/// and the signed-in user.
/// </summary>
/// <param name="CartToken">The guest cart's token, when the caller has one.</param>
/// <param name="User">The signed-in user, if any.</param>
internal readonly record struct CartCaller([FromHeader(Name = GuestToken.Header)] string? CartToken, ClaimsPrincipal User)
{
    public CartOwner Owner => CartOwner.Of(CartToken, User);
}
