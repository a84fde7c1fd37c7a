using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers.Invitations;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.Members;

/// <summary>Who acts for the seller, and who has been invited and not yet answered.</summary>
internal sealed record SellerTeamResponse(IReadOnlyList<TeamMember> Members, IReadOnlyList<OpenInvitation> Invitations);

/// <summary>An account acting for the seller; it joined by creating the seller or by accepting an invitation.</summary>
internal sealed record TeamMember(Guid UserId, string Email, string Role, DateTimeOffset JoinedAt);

/// <summary>An invitation not yet answered; it says nothing about whether the email has an account.</summary>
internal sealed record OpenInvitation(Guid InvitationId, string Email, DateTimeOffset InvitedAt, DateTimeOffset ExpiresAt);

internal static class SellerTeam
{
    /// <summary>Members (people, not API keys) and admins may see the team.</summary>
    public static async Task<Results<Ok<SellerTeamResponse>, ProblemHttpResult>> List(
        Guid sellerId, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!caller.IsPerson() || (!caller.IsAdmin() && !await SellerOwnership.IsMemberAsync(db, sellerId, caller.UserId(), cancellationToken)))
        {
            return SellerAccess.Forbidden(sellerId);
        }

        var now = clock.GetUtcNow();
        var members = await (
                from member in db.SellerMembers.AsNoTracking()
                join user in db.Users.AsNoTracking() on member.UserId equals user.Id
                where member.SellerId == sellerId
                orderby member.JoinedAt
                select new TeamMember(user.Id, user.Email, member.Role, member.JoinedAt))
            .ToListAsync(cancellationToken);
        var invitations = await db.SellerInvitations.AsNoTracking()
            .Where(i => i.SellerId == sellerId && i.Outcome == null && i.ExpiresAt > now)
            .OrderBy(i => i.CreatedAt)
            .Select(i => new OpenInvitation(i.Id, i.Email, i.CreatedAt, i.ExpiresAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new SellerTeamResponse(members, invitations));
    }

    /// <summary>
    /// The owner removes a member, or a member leaves. The last owner stays, so a seller is never left without
    /// anyone who can manage it. The removed account keeps the seller claim only until its access token expires.
    /// </summary>
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Remove(
        Guid sellerId, Guid userId, ClaimsPrincipal caller, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var callerId = caller.UserId();
        if (!caller.IsPerson() || (callerId != userId && !await SellerOwnership.IsOwnerAsync(db, sellerId, callerId, cancellationToken)))
        {
            return SellerOwnership.NotOwner("remove other members");
        }

        // Invitations only ever make plain members, so a seller has one owner and this guard keeps it.
        var removed = await db.SellerMembers
            .Where(m => m.SellerId == sellerId && m.UserId == userId)
            .Where(m => m.Role != SellerMember.Owner
                        || db.SellerMembers.Count(o => o.SellerId == sellerId && o.Role == SellerMember.Owner) > 1)
            .ExecuteDeleteAsync(cancellationToken);
        if (removed == 1)
        {
            return TypedResults.NoContent();
        }

        return await SellerOwnership.IsMemberAsync(db, sellerId, userId, cancellationToken)
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last owner", detail: "The seller's last owner cannot be removed.")
            : TypedResults.NotFound();
    }
}
