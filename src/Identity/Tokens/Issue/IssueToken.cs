using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Tokens.Issue;

/// <summary>Sign-in with email and password.</summary>
internal sealed record IssueTokenRequest(string Email, string Password);

internal sealed class IssueTokenValidator : AbstractValidator<IssueTokenRequest>
{
    public IssueTokenValidator(IOptions<PasswordPolicy> policy)
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(254);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(policy.Value.MaxLength);
    }
}

internal static class IssueToken
{
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Handle(
        IssueTokenRequest request, IdentityDbContext db, Passwords passwords, SessionTokens tokens, TimeProvider clock, CancellationToken cancellationToken)
    {
        var normalized = UserAccount.Normalize(request.Email);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (!passwords.Verify(user, request.Password))
        {
            // One answer for an unknown email and a wrong password, so the endpoint does not reveal who has an account.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials", detail: "The email or password is wrong.");
        }

        var now = clock.GetUtcNow();
        var session = new SignInSession { Id = Guid.CreateVersion7(now), UserId = user!.Id, StartedAt = now };
        db.Sessions.Add(session);
        var response = await tokens.IssueAsync(db, user.Id, session.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(response);
    }
}
