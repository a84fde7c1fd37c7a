using Microsoft.AspNetCore.Http;

namespace Marketplace.Platform.Security;

/// <summary>
/// Lets a request through a <c>/sellers/{sellerId}</c> route only when the caller acts for that seller (its API key,
/// or a member's token). Put on a module's whole seller group (Catalog's, Ordering's), so that no seller endpoint can
/// forget it.
/// </summary>
public sealed class SellerAccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Guid.TryParse(http.Request.RouteValues["sellerId"]?.ToString(), out var sellerId) || !http.User.ActsFor(sellerId))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Forbidden",
                detail: "The caller does not act for this seller.");
        }

        return await next(context);
    }
}
