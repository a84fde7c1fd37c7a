using FluentValidation;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        RefreshTokenRequest request, IdentityDbContext db, SessionTokens tokens, IOptions<JwtOptions> options, IdentityMetrics metrics, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
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
        // refreshes with one token exactly one sees a row change, and the other must pass the grace check.
        var spent = presented.SpentAt is null && await db.RefreshTokens
            .Where(t => t.Id == presented.Id && t.SpentAt == null)
            .Where(t => db.Sessions.Any(s => s.Id == t.SessionId && s.RevokedAt == null))
            .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.SpentAt, now), cancellationToken) == 1;
        if (!spent && !await TryReplayWithinGraceAsync(db, presented.Id, now, now - options.Value.RefreshReuseGrace, cancellationToken))
        {
            await SignInSessions.RevokeAsync(db, presented.SessionId, now, "refresh token reused", cancellationToken);
            metrics.RefreshReused();
            loggers.CreateLogger(typeof(RefreshTokens)).LogWarning(
                "A spent refresh token of session {SessionId} was presented again; the session is revoked", presented.SessionId);
            return Refused();
        }

        // Within the grace the replay gets a pair of its own on the same session (the successor's secret is not
        // kept, so it cannot be handed out again); each pair then rotates on as usual.
        var response = await tokens.IssueAsync(db, presented.UserId, presented.SessionId, presented.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(response);
    }

    /// <summary>
    /// Forgives one replay of the session's immediately previous token: spent no earlier than <paramref name="spentSince"/>,
    /// in a live session, none of the tokens it was exchanged for spent yet, and not replayed before. A conditional update
    /// decides, so of two concurrent replays only one is forgiven. A token two rotations old, one replayed after the grace,
    /// or a second replay, is a reuse.
    /// </summary>
    private static async Task<bool> TryReplayWithinGraceAsync(
        IdentityDbContext db, Guid tokenId, DateTimeOffset now, DateTimeOffset spentSince, CancellationToken cancellationToken) =>
        await db.RefreshTokens
            .Where(t => t.Id == tokenId
                        && t.SpentAt != null
                        && t.SpentAt >= spentSince
                        && t.GraceReplayedAt == null
                        && db.Sessions.Any(s => s.Id == t.SessionId && s.RevokedAt == null)
                        && !db.RefreshTokens.Any(child => child.ParentId == t.Id && child.SpentAt != null))
            .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.GraceReplayedAt, now), cancellationToken) == 1;

    private static ProblemHttpResult Refused() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Invalid refresh token", detail: "Sign in again.");
}
