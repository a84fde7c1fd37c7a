using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers.Standing;
using Marketplace.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity.Tokens;

/// <summary>What a client receives when it signs in or refreshes.</summary>
/// <param name="AccessToken">RS256 JWT to send as <c>Authorization: Bearer</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="RefreshToken">Opaque token for <c>POST /api/v1/auth/refresh</c>; usable once.</param>
/// <param name="RefreshTokenExpiresAt">When the refresh token stops working.</param>
internal sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt);

/// <summary>
/// Mints the token pair of a sign-in session. Claims are read from the database each time, so a refresh
/// carries the caller's current roles and seller memberships.
/// </summary>
internal sealed class SessionTokens(SigningKey signingKey, IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Adds a new refresh token of the session to <paramref name="db"/> (the caller saves) and returns the pair.</summary>
    /// <remarks><paramref name="parentId"/> is the refresh token exchanged for this pair; null at sign-in.</remarks>
    public async Task<TokenResponse> IssueAsync(IdentityDbContext db, Guid userId, Guid sessionId, Guid? parentId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var user = await db.Users.AsNoTracking().Include(u => u.StaffRoles).SingleAsync(u => u.Id == userId, cancellationToken);
        var sellerIds = await SellerStanding.ActiveMemberships(db, userId).ToListAsync(cancellationToken);

        var claims = new List<Claim>
        {
            new(MarketplaceClaims.Subject, user.Id.ToString()),
            new("email", user.Email),
            new(MarketplaceClaims.Role, MarketplaceClaims.Roles.Customer),
        };
        claims.AddRange(user.StaffRoles.Select(r => new Claim(MarketplaceClaims.Role, r.Role)));
        claims.AddRange(sellerIds.Select(id => new Claim(MarketplaceClaims.Seller, id.ToString())));

        var accessToken = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + settings.AccessTokenLifetime).UtcDateTime,
            SigningCredentials = signingKey.Credentials,
        });

        var refreshToken = NewRefreshToken();
        var expiresAt = now + settings.RefreshTokenLifetime;
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            SessionId = sessionId,
            ParentId = parentId,
            TokenHash = Hash(refreshToken),
            IssuedAt = now,
            ExpiresAt = expiresAt,
        });

        return new TokenResponse(accessToken, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds, refreshToken, expiresAt);
    }

    public static byte[] Hash(string refreshToken) => SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken));

    private static string NewRefreshToken() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
