using System.Globalization;
using FluentValidation;
using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Tokens.SignInProtection;
using Marketplace.Platform.Http;
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
        IssueTokenRequest request,
        HttpContext http,
        IdentityDbContext db,
        Passwords passwords,
        SessionTokens tokens,
        SignInGuard guard,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var normalized = UserAccount.Normalize(request.Email);

        // Unknown emails are limited and locked out like known ones, so neither answer reveals who has an account.
        var key = SignInGuard.KeyOf(normalized, ClientNetwork.Of(http.Connection.RemoteIpAddress));
        if (!guard.TryAttempt(key, out var wait))
        {
            return TooMany(http, wait, "Too many sign-in attempts", "Too many attempts for this email from your network; retry after the indicated delay.");
        }

        if (await guard.LockedUntilAsync(db, key, now, cancellationToken) is { } lockedUntil)
        {
            return TooMany(http, lockedUntil - now, "Sign-in locked", "Too many failed sign-ins for this email from your network; retry after the indicated delay.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        if (!passwords.Verify(user, request.Password))
        {
            await guard.RecordFailureAsync(db, key, now, cancellationToken);

            // One answer for an unknown email and a wrong password, so the endpoint does not reveal who has an account.
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid credentials", detail: "The email or password is wrong.");
        }

        var session = new SignInSession { Id = Guid.CreateVersion7(now), UserId = user!.Id, StartedAt = now };
        db.Sessions.Add(session);
        var response = await tokens.IssueAsync(db, user.Id, session.Id, parentId: null, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await SignInGuard.ForgetAsync(db, key, cancellationToken);
        return TypedResults.Ok(response);
    }

    private static ProblemHttpResult TooMany(HttpContext http, TimeSpan wait, string title, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: title, detail: detail);
    }
}
