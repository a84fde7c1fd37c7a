using FluentValidation;
using Marketplace.Identity.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Tokens.Logout;

/// <summary>Ends the sign-in session a refresh token belongs to.</summary>
internal sealed record LogoutRequest(string RefreshToken);

internal sealed class LogoutValidator : AbstractValidator<LogoutRequest>
{
    public LogoutValidator() => RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200);
}

internal static class Logout
{
    public static async Task<NoContent> Handle(LogoutRequest request, IdentityDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var hash = SessionTokens.Hash(request.RefreshToken);
        var sessionId = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SessionId).SingleOrDefaultAsync(cancellationToken);

        // An unknown token gets the same answer, so logout cannot be used to test whether a token exists.
        if (sessionId is { } id)
        {
            await SignInSessions.RevokeAsync(db, id, clock.GetUtcNow(), "logout", cancellationToken);
        }

        return TypedResults.NoContent();
    }
}
