namespace Marketplace.Identity.Tokens;

/// <summary>How access and refresh tokens are made; bound from <c>Identity:Jwt</c>.</summary>
internal sealed class JwtOptions
{
    /// <summary>The RSA private key (PKCS#1 or PKCS#8 PEM) that signs access tokens. Wins over <see cref="SigningKeyPath"/>.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>A file holding the PEM, for deployments that mount the key as a secret file.</summary>
    public string? SigningKeyPath { get; set; }

    public string Issuer { get; set; } = "marketplace";

    public string Audience { get; set; } = "marketplace-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long after a refresh token was spent it may be presented once more and still get a pair, for two browser
    /// tabs that refresh at once. Only the immediately previous token qualifies; anything else ends the session.
    /// </summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Tolerated clock difference between replicas when checking expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
