using Marketplace.Cart.Owners;
using Marketplace.Platform.Security;

namespace Marketplace.Cart.Contracts;

/// <summary>How a request names its cart, as endpoint metadata: the cart routes and checkout carry it.</summary>
public static class CartCredentials
{
    /// <summary>
    /// A guest cart's token in <c>X-Cart-Token</c>, or else the signed-in customer's bearer token; with neither the route
    /// answers 401.
    /// </summary>
    public static readonly HeaderTokenCredential GuestTokenOrCustomer = new(
        "cartToken",
        GuestToken.Header,
        "A guest cart's token, from the answer of POST /api/v1/cart/guest. It names the cart (and wins over a bearer token sent with it); " +
        "a signed-in customer sends no token and works on its own cart.");

    /// <summary>The guest cart's token, asked for on top of the customer's sign-in (merging a guest cart into the customer's).</summary>
    public static readonly HeaderTokenCredential GuestTokenToo = GuestTokenOrCustomer with { OrSignedIn = false };
}
