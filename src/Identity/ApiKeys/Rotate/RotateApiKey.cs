using System.Security.Claims;
using Marketplace.Identity.ApiKeys.Create;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.ApiKeys.Rotate;

/// <summary>
/// The successor key, shown only in this answer, and how long the rotated key keeps working beside it.
/// </summary>
/// <param name="Key">The new key; store it now.</param>
/// <param name="PreviousKeyId">The rotated key.</param>
/// <param name="PreviousKeyExpiresAt">When the rotated key stops working: the end of the grace period, or its own expiry if sooner.</param>
internal sealed record RotatedApiKey(CreatedApiKey Key, Guid PreviousKeyId, DateTimeOffset PreviousKeyExpiresAt);

internal static class RotateApiKey
{
    /// <summary>
    /// Issues a successor with the same name and the same lifetime length (if the old key had one), and brings the
    /// old key's expiry forward to the end of <see cref="ApiKeyOptions.RotationGrace"/>.
    /// </summary>
    public static async Task<Results<Created<RotatedApiKey>, NotFound, ProblemHttpResult>> Handle(
        Guid sellerId,
        Guid keyId,
        ClaimsPrincipal caller,
        IdentityDbContext db,
        IOptions<ApiKeyOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!caller.MayManageCredentials(sellerId))
        {
            return SellerAccess.Forbidden(sellerId);
        }

        var now = clock.GetUtcNow();
        var old = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId && k.SellerId == sellerId)
            .Select(k => new { k.Name, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.ReplacedBy })
            .SingleOrDefaultAsync(cancellationToken);
        if (old is null)
        {
            return TypedResults.NotFound();
        }

        if (old.RevokedAt is not null || old.ExpiresAt <= now || old.ReplacedBy is not null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Key cannot be rotated",
                detail: "Only a working key that was not rotated before can be rotated; create a new key instead.");
        }

        var graceEnd = now + options.Value.RotationGrace;
        var previousExpiresAt = old.ExpiresAt is { } expiry && expiry < graceEnd ? expiry : graceEnd;
        DateTimeOffset? successorExpiresAt = old.ExpiresAt is { } oldExpiry ? now + (oldExpiry - old.CreatedAt) : null;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = CreateApiKey.Add(db, sellerId, old.Name, successorExpiresAt, caller.UserId()!.Value, now);
        await db.SaveChangesAsync(cancellationToken);

        // Conditional, so that of two concurrent rotations exactly one replaces the key; the other rolls back.
        var replaced = await db.ApiKeys
            .Where(k => k.Id == keyId && k.ReplacedBy == null && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ReplacedBy, created.KeyId).SetProperty(k => k.ExpiresAt, previousExpiresAt), cancellationToken);
        if (replaced != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Key cannot be rotated", detail: "The key was rotated or revoked meanwhile.");
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/sellers/{sellerId}/api-keys", new RotatedApiKey(created, keyId, previousExpiresAt));
    }
}
