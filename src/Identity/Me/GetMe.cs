using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Me;

/// <summary>The signed-in account as it stands now (not as its token was issued).</summary>
internal sealed record MeResponse(Guid UserId, string Email, IReadOnlyList<string> Roles, IReadOnlyList<SellerMembership> Sellers);

/// <summary>A seller the account acts for, and whether it owns it.</summary>
internal sealed record SellerMembership(Guid SellerId, string Name, string Role);

internal static class GetMe
{
    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Handle(ClaimsPrincipal caller, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var userId = caller.UserId();
        var user = await db.Users.AsNoTracking().Include(u => u.StaffRoles).SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Account not found", detail: "The account of this token no longer exists.");
        }

        var sellers = await (
                from member in db.SellerMembers.AsNoTracking()
                join seller in db.Sellers.AsNoTracking() on member.SellerId equals seller.Id
                where member.UserId == user.Id
                orderby seller.Name
                select new SellerMembership(seller.Id, seller.Name, member.Role))
            .ToListAsync(cancellationToken);
        var roles = user.StaffRoles.Select(r => r.Role).Prepend(MarketplaceClaims.Roles.Customer).ToList();
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, roles, sellers));
    }
}
