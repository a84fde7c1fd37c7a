using System.Security.Claims;
using Marketplace.Identity.ApiKeys;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Identity.Sellers;

/// <summary>Who may act on a route that names a seller. The route names it, so refusal is 403, not 404.</summary>
internal static class SellerAccess
{
    /// <summary>Members of the seller may read; so may admins, who support sellers.</summary>
    public static bool MayRead(this ClaimsPrincipal caller, Guid sellerId) => caller.ActsFor(sellerId) || caller.IsAdmin();

    /// <summary>Only a person who is a member manages credentials: a leaked key must not mint more keys.</summary>
    public static bool MayManageCredentials(this ClaimsPrincipal caller, Guid sellerId) =>
        caller.ActsFor(sellerId) && !caller.HasClaim(ApiKeyAuthenticationHandler.AuthMethodClaim, ApiKeyAuthenticationHandler.AuthMethod);

    public static bool IsPerson(this ClaimsPrincipal caller) =>
        caller.Identity?.IsAuthenticated == true && !caller.HasClaim(ApiKeyAuthenticationHandler.AuthMethodClaim, ApiKeyAuthenticationHandler.AuthMethod);

    public static ProblemHttpResult Forbidden(Guid sellerId) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Not a member of this seller",
        detail: $"The caller does not act for seller {sellerId}.");
}
