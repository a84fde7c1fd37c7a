using FluentValidation;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Marketplace.Identity.Tokens.Refresh;

/// <summary>Exchange of a refresh token for a new token pair.</summary>
internal sealed record RefreshTokenRequest(string RefreshToken);

internal sealed class RefreshTokenValidator : AbstractValidator<RefreshTokenRequest>
{
    public RefreshTokenValidator() => RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200);
}

internal static class RefreshTokens
{
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Handle(
        RefreshTokenRequest request, IdentityDbContext db, SessionTokens tokens, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var hash = SessionTokens.Hash(request.RefreshToken);
        var presented = await (
                from token in db.RefreshTokens.AsNoTracking()
                join session in db.Sessions.AsNoTracking() on token.SessionId equals session.Id
                where token.TokenHash == hash
                select new { token.Id, token.SessionId, token.SpentAt, token.ExpiresAt, session.UserId, session.RevokedAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (presented is null || presented.RevokedAt is not null || presented.ExpiresAt <= now)
        {
            return Refused();
        }

        // The conditional update, not the read above, decides who spends the token: of two concurrent
        // refreshes with one token exactly one sees a row change, and the other is treated as a reuse.
        var spent = presented.SpentAt is null && await db.RefreshTokens
            .Where(t => t.Id == presented.Id && t.SpentAt == null)
            .Where(t => db.Sessions.Any(s => s.Id == t.SessionId && s.RevokedAt == null))
            .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.SpentAt, now), cancellationToken) == 1;
        if (!spent)
        {
            await SignInSessions.RevokeAsync(db, presented.SessionId, now, "refresh token reused", cancellationToken);
            loggers.CreateLogger(typeof(RefreshTokens)).LogWarning(
                "A spent refresh token of session {SessionId} was presented again; the session is revoked", presented.SessionId);
            return Refused();
        }

        var response = await tokens.IssueAsync(db, presented.UserId, presented.SessionId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(response);
    }

    private static ProblemHttpResult Refused() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Invalid refresh token", detail: "Sign in again.");
}
