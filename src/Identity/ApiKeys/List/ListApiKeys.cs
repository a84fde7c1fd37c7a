using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.ApiKeys.List;

/// <summary>An API key as listed: never its secret.</summary>
internal sealed record ApiKeySummary(Guid KeyId, string Name, string DisplayPrefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

internal static class ListApiKeys
{
    public static async Task<Results<Ok<IReadOnlyList<ApiKeySummary>>, ProblemHttpResult>> Handle(
        Guid sellerId, ClaimsPrincipal caller, IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (!caller.MayRead(sellerId))
        {
            return SellerAccess.Forbidden(sellerId);
        }

        // A seller holds a handful of keys; ordering by id (time-ordered v7) lists them oldest first.
        IReadOnlyList<ApiKeySummary> keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SellerId == sellerId)
            .OrderBy(k => k.Id)
            .Select(k => new ApiKeySummary(k.Id, k.Name, k.DisplayPrefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(keys);
    }
}
