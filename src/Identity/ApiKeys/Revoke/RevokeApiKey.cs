using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.ApiKeys.Revoke;

internal static class RevokeApiKey
{
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Handle(
        Guid sellerId, Guid keyId, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!caller.MayManageCredentials(sellerId))
        {
            return SellerAccess.Forbidden(sellerId);
        }

        // Scoped by seller, so another seller's key id is simply not found here.
        var key = await db.ApiKeys.Where(k => k.Id == keyId && k.SellerId == sellerId).Select(k => new { k.RevokedAt }).SingleOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        if (key.RevokedAt is null)
        {
            var now = clock.GetUtcNow();
            await db.ApiKeys.Where(k => k.Id == keyId && k.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        }

        return TypedResults.NoContent();
    }
}
