using System.Security.Claims;
using FluentValidation;
using Marketplace.Identity.Me;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Tokens;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.Invitations.Answer;

/// <summary>The code from the invitation mail.</summary>
internal sealed record AcceptInvitationRequest(string Code);

internal sealed class AcceptInvitationValidator : AbstractValidator<AcceptInvitationRequest>
{
    public AcceptInvitationValidator() => RuleFor(r => r.Code).NotEmpty().MaximumLength(100);
}

/// <summary>An open invitation addressed to the signed-in account's email.</summary>
internal sealed record MyInvitation(Guid InvitationId, Guid SellerId, string SellerName, DateTimeOffset InvitedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The invitee's side: the invitations addressed to the email of the signed-in account, which it accepts or
/// declines. Anything else (another account's invitation, an answered or lapsed one) is simply not found.
/// </summary>
internal static class AnswerInvitation
{
    public static async Task<Ok<IReadOnlyList<MyInvitation>>> ListMine(ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var normalized = await NormalizedEmailOfAsync(db, caller, cancellationToken);
        var now = clock.GetUtcNow();
        IReadOnlyList<MyInvitation> open = await (
                from invitation in db.SellerInvitations.AsNoTracking()
                join seller in db.Sellers.AsNoTracking() on invitation.SellerId equals seller.Id
                where invitation.NormalizedEmail == normalized && invitation.Outcome == null && invitation.ExpiresAt > now
                orderby invitation.CreatedAt
                select new MyInvitation(invitation.Id, seller.Id, seller.Name, invitation.CreatedAt, invitation.ExpiresAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(open);
    }

    public static async Task<Results<Ok<SellerMembership>, ProblemHttpResult>> Accept(
        Guid invitationId, AcceptInvitationRequest request, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = caller.UserId()!.Value;
        var normalized = await NormalizedEmailOfAsync(db, caller, cancellationToken);
        var now = clock.GetUtcNow();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The conditional update decides: of two concurrent answers only one finds the invitation still open.
        var answered = await AnswerAsync(db, invitationId, normalized, SessionTokens.Hash(request.Code), SellerInvitation.Accepted, now, cancellationToken);
        if (answered is not { } sellerId)
        {
            return NoSuchInvitation();
        }

        var alreadyMember = await db.SellerMembers.AnyAsync(m => m.SellerId == sellerId && m.UserId == userId, cancellationToken);
        if (!alreadyMember)
        {
            db.SellerMembers.Add(new SellerMember { SellerId = sellerId, UserId = userId, Role = SellerMember.Member, JoinedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
            {
                // A second invitation of the same seller was accepted at the same moment; one membership is enough.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return await MembershipAsync(db, sellerId, userId, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return await MembershipAsync(db, sellerId, userId, cancellationToken);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Decline(
        Guid invitationId, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var normalized = await NormalizedEmailOfAsync(db, caller, cancellationToken);
        var answered = await AnswerAsync(db, invitationId, normalized, codeHash: null, SellerInvitation.Declined, clock.GetUtcNow(), cancellationToken);
        return answered is null ? NoSuchInvitation() : TypedResults.NoContent();
    }

    /// <summary>
    /// Answers an open invitation addressed to <paramref name="normalizedEmail"/>. Accepting also needs the mailed code
    /// (<paramref name="codeHash"/>); declining does not, because it grants nothing and the owner can invite again.
    /// </summary>
    private static async Task<Guid?> AnswerAsync(
        IdentityDbContext db, Guid invitationId, string? normalizedEmail, byte[]? codeHash, string outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sellerId = await db.SellerInvitations
            .Where(i => i.Id == invitationId && i.NormalizedEmail == normalizedEmail && i.Outcome == null && i.ExpiresAt > now)
            .Where(i => codeHash == null || i.CodeHash == codeHash)
            .Select(i => (Guid?)i.SellerId)
            .SingleOrDefaultAsync(cancellationToken);
        if (sellerId is null)
        {
            return null;
        }

        var changed = await db.SellerInvitations
            .Where(i => i.Id == invitationId && i.Outcome == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Outcome, outcome).SetProperty(i => i.AnsweredAt, now), cancellationToken);
        return changed == 1 ? sellerId : null;
    }

    /// <summary>The email the account holds now, not the one in the token: only the address's owner may answer.</summary>
    private static Task<string?> NormalizedEmailOfAsync(IdentityDbContext db, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var userId = caller.UserId();
        return db.Users.Where(u => u.Id == userId).Select(u => u.NormalizedEmail).SingleOrDefaultAsync(cancellationToken);
    }

    private static async Task<Results<Ok<SellerMembership>, ProblemHttpResult>> MembershipAsync(
        IdentityDbContext db, Guid sellerId, Guid userId, CancellationToken cancellationToken)
    {
        var membership = await (
                from member in db.SellerMembers.AsNoTracking()
                join seller in db.Sellers.AsNoTracking() on member.SellerId equals seller.Id
                where member.SellerId == sellerId && member.UserId == userId
                select new SellerMembership(seller.Id, seller.Name, member.Role))
            .SingleAsync(cancellationToken);
        return TypedResults.Ok(membership);
    }

    private static ProblemHttpResult NoSuchInvitation() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such invitation",
        detail: "No open invitation with this id and code is addressed to your email.");
}
