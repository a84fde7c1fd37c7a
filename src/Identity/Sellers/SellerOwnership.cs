using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers;

/// <summary>
/// Membership as the database has it now. Team changes check this rather than the token, which may predate a
/// change of members by up to an access token's lifetime.
/// </summary>
internal static class SellerOwnership
{
    public static Task<bool> IsOwnerAsync(IdentityDbContext db, Guid sellerId, Guid? userId, CancellationToken cancellationToken) =>
        db.SellerMembers.AnyAsync(m => m.SellerId == sellerId && m.UserId == userId && m.Role == SellerMember.Owner, cancellationToken);

    public static Task<bool> IsMemberAsync(IdentityDbContext db, Guid sellerId, Guid? userId, CancellationToken cancellationToken) =>
        db.SellerMembers.AnyAsync(m => m.SellerId == sellerId && m.UserId == userId, cancellationToken);

    public static ProblemHttpResult NotOwner(string action) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "Not the seller's owner", detail: $"Only the owner of this seller can {action}.");
}
