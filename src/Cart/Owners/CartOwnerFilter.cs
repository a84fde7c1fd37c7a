using Microsoft.AspNetCore.Http;

namespace Marketplace.Cart.Owners;

/// <summary>Refuses a request that names no cart (401) or a token that cannot be one (404, like an unknown token).</summary>
internal sealed class CartOwnerFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var owner = CartOwner.Of(context.HttpContext);
        return owner.Kind switch
        {
            CartOwnerKind.Nobody => CartProblems.Nobody(),
            CartOwnerKind.MalformedToken => CartProblems.CartNotFound(),
            _ => await next(context),
        };
    }
}
