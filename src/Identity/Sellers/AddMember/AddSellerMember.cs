using System.Security.Claims;
using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Sellers.AddMember;

/// <summary>An existing account to add to the seller, by its email.</summary>
internal sealed record AddSellerMemberRequest(string Email);

/// <summary>The membership just created; it shows in the member's next token.</summary>
internal sealed record SellerMemberResponse(Guid SellerId, Guid UserId, string Email, string Role, DateTimeOffset JoinedAt);

internal sealed class AddSellerMemberValidator : AbstractValidator<AddSellerMemberRequest>
{
    public AddSellerMemberValidator() => RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
}

internal static class AddSellerMember
{
    public static async Task<Results<Created<SellerMemberResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, AddSellerMemberRequest request, ClaimsPrincipal caller, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Ownership is read from the database, not the token: a token may predate a change of owners.
        var callerId = caller.UserId();
        var isOwner = await db.SellerMembers.AnyAsync(m => m.SellerId == sellerId && m.UserId == callerId && m.Role == SellerMember.Owner, cancellationToken);
        if (!isOwner)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not the seller's owner", detail: "Only the owner of this seller can add members.");
        }

        var normalized = UserAccount.Normalize(request.Email);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (user is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account", detail: "The person must register before joining a seller.");
        }

        var member = new SellerMember { SellerId = sellerId, UserId = user.Id, Role = SellerMember.Member, JoinedAt = clock.GetUtcNow() };
        db.SellerMembers.Add(member);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already a member", detail: "This account already acts for the seller.");
        }

        return TypedResults.Created($"/api/v1/sellers/{sellerId}/members/{user.Id}", new SellerMemberResponse(sellerId, user.Id, user.Email, member.Role, member.JoinedAt));
    }
}
