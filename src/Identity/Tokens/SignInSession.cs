namespace Marketplace.Identity.Tokens;

/// <summary>
/// One sign-in and the chain of refresh tokens rotated from it (the token family). Revoking the session
/// kills every token of the chain, including any minted after the revocation by a racing refresh.
/// </summary>
internal sealed class SignInSession
{
    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedBecause { get; init; }
}

/// <summary>A refresh token as stored: only its SHA-256 hash, so a leaked table grants nothing.</summary>
internal sealed class RefreshToken
{
    public Guid Id { get; init; }

    public Guid SessionId { get; init; }

    public byte[] TokenHash { get; init; } = [];

    /// <summary>The token this one was exchanged for; null for the first token of a sign-in.</summary>
    public Guid? ParentId { get; init; }

    public DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Set when the token was exchanged for its successor; presenting it again means it was stolen.</summary>
    public DateTimeOffset? SpentAt { get; init; }

    /// <summary>
    /// Set when the spent token was presented once more within the reuse grace (a second tab) and given a pair of its
    /// own. Only one such replay is forgiven; the next is a reuse, so a stolen token cannot be forked again and again.
    /// </summary>
    public DateTimeOffset? GraceReplayedAt { get; init; }
}
