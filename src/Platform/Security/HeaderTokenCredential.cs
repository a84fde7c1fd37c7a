using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Marketplace.Platform.Security;

/// <summary>
/// A credential a route checks itself rather than through an authorization policy: a token in a request header that
/// opens what it names (a guest's cart, a guest's order). Attach it with
/// <see cref="HeaderTokenCredentials.RequireHeaderToken{TBuilder}"/>, which makes it the route's first check and its
/// metadata, from which the OpenAPI document declares it as a security scheme and states it on the route.
/// </summary>
/// <param name="Scheme">The name of its security scheme in the OpenAPI document, such as <c>cartToken</c>.</param>
/// <param name="Header">The request header that carries the token.</param>
/// <param name="Description">What the token is and where a client gets it.</param>
/// <param name="OrSignedIn">
/// A signed-in caller's bearer token opens the route in its stead, and a request with neither is 401; when false the
/// token is asked for on top of what the route's authorization policy asks, and the route answers its absence itself.
/// </param>
public sealed record HeaderTokenCredential(string Scheme, string Header, string Description, bool OrSignedIn = true);

public static class HeaderTokenCredentials
{
    /// <summary>
    /// States the credential on the routes (for the OpenAPI document) and, for one a sign-in stands in for, answers 401
    /// before the route reads its input when the request carries neither, so that an anonymous caller learns nothing of
    /// what the route would say about its body.
    /// </summary>
    public static TBuilder RequireHeaderToken<TBuilder>(this TBuilder builder, HeaderTokenCredential credential)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(credential);
        if (!credential.OrSignedIn)
        {
            return builder;
        }

        return builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (string.IsNullOrWhiteSpace(http.Request.Headers[credential.Header]) && http.User.Identity?.IsAuthenticated != true)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Credentials required",
                    detail: $"Sign in and send the bearer token, or send {credential.Header}.");
            }

            return await next(context);
        });
    }
}
