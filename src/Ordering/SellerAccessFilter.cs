using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Ordering;

/// <summary>
/// Lets a request through a <c>/sellers/{sellerId}</c> route only when the caller acts for that seller (its API key,
/// or a member's token). Put on the whole group, so that no seller endpoint can forget it.
/// </summary>
internal sealed class SellerAccessFilter : IEndpointFilter
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
