using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Platform.Http;

/// <summary>Answers that hold a secret or one person's data: tokens, accounts, carts.</summary>
public static class PrivateResponses
{
    /// <summary>Marks every answer of the routes <c>Cache-Control: no-store</c>, so no browser or proxy cache keeps it.</summary>
    public static TBuilder NeverStored<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
}
