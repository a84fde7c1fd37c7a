using Marketplace.Identity.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Tokens;

internal static class SignInSessions
{
    /// <summary>Ends a session: none of its refresh tokens, past or future, works any more.</summary>
    public static Task<int> RevokeAsync(IdentityDbContext db, Guid sessionId, DateTimeOffset now, string because, CancellationToken cancellationToken) =>
        db.Sessions
            .Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedBecause, because),
                cancellationToken);
}
