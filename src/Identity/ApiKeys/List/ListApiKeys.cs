using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.ApiKeys.List;

/// <summary>An API key as listed: never its secret.</summary>
/// <param name="KeyId">The key's id, as in its text form <c>mk_&lt;keyId&gt;_…</c>.</param>
/// <param name="Name">What the key is for.</param>
/// <param name="DisplayPrefix">The start of the key, to tell keys apart.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="LastUsedAt">When the key last authenticated a call, to within about a minute.</param>
/// <param name="ExpiresAt">When the key stops working; null if it works until revoked.</param>
/// <param name="RevokedAt">When the key was revoked.</param>
/// <param name="ReplacedBy">The key that replaced this one by rotation.</param>
internal sealed record ApiKeySummary(
    Guid KeyId, string Name, string DisplayPrefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, Guid? ReplacedBy);

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
            .Select(k => new ApiKeySummary(k.Id, k.Name, k.DisplayPrefix, k.CreatedAt, k.LastUsedAt, k.ExpiresAt, k.RevokedAt, k.ReplacedBy))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(keys);
    }
}
