using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Contracts;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Tokens;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity.Sellers.Invitations.Invite;

/// <summary>The email to invite; it need not have an account yet.</summary>
internal sealed record InviteToSellerRequest(string Email);

/// <summary>
/// The invitation as sent. The same for every email, registered or not, so inviting cannot be used to learn who
/// has an account.
/// </summary>
internal sealed record InvitationSent(Guid InvitationId, DateTimeOffset ExpiresAt);

internal sealed class InviteToSellerValidator : AbstractValidator<InviteToSellerRequest>
{
    public InviteToSellerValidator() => RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
}

internal static class InviteToSeller
{
    private const int InvitationCodeBytes = 24;

    public static async Task<Results<Accepted<InvitationSent>, ProblemHttpResult>> Handle(
        Guid sellerId,
        InviteToSellerRequest request,
        ClaimsPrincipal caller,
        HttpContext http,
        IdentityDbContext db,
        IOptions<InvitationOptions> options,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var callerId = caller.UserId();
        if (!await SellerOwnership.IsOwnerAsync(db, sellerId, callerId, cancellationToken))
        {
            return SellerOwnership.NotOwner("invite members");
        }

        var now = clock.GetUtcNow();
        var limits = options.Value;
        var windowStart = now.AddHours(-1);
        var recent = await db.SellerInvitations
            .Where(i => i.SellerId == sellerId && i.CreatedAt > windowStart)
            .OrderBy(i => i.CreatedAt)
            .Select(i => i.CreatedAt)
            .Take(limits.PerSellerPerHour)
            .ToListAsync(cancellationToken);
        if (recent.Count >= limits.PerSellerPerHour)
        {
            // Counted in the database rather than per replica, so every replica enforces one allowance.
            var retryAfter = recent[0].AddHours(1) - now;
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many invitations",
                detail: $"A seller can send {limits.PerSellerPerHour} invitations an hour; retry after the indicated delay.");
        }

        var email = request.Email.Trim();
        var normalized = UserAccount.Normalize(email);
        var open = await db.SellerInvitations.AsNoTracking()
            .Where(i => i.SellerId == sellerId && i.NormalizedEmail == normalized && i.Outcome == null && i.ExpiresAt > now)
            .Select(i => new InvitationSent(i.Id, i.ExpiresAt))
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null)
        {
            return Sent(sellerId, open);
        }

        var sellerName = await db.Sellers.Where(s => s.Id == sellerId).Select(s => s.Name).SingleAsync(cancellationToken);
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(InvitationCodeBytes));
        var invitation = new SellerInvitation
        {
            CodeHash = SessionTokens.Hash(code),
            Id = Guid.CreateVersion7(now),
            SellerId = sellerId,
            Email = email,
            NormalizedEmail = normalized,
            InvitedBy = callerId!.Value,
            CreatedAt = now,
            ExpiresAt = now + limits.Lifetime,
        };
        db.SellerInvitations.Add(invitation);
        db.Publish(new SellerInvitationCreated(invitation.Id, sellerId, sellerName, email, code, invitation.ExpiresAt), clock);
        await db.SaveChangesAsync(cancellationToken);
        return Sent(sellerId, new InvitationSent(invitation.Id, invitation.ExpiresAt));
    }

    private static Accepted<InvitationSent> Sent(Guid sellerId, InvitationSent sent) =>
        TypedResults.Accepted($"/api/v1/sellers/{sellerId}/members", sent);
}
