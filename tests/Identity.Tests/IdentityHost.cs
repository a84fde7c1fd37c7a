using System.Security.Claims;
using System.Security.Cryptography;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The real host on PostgreSQL and RabbitMQ, with a signing key the tests know (so they can forge expired tokens
/// with it), a bootstrap admin, and a credential rate limit high enough not to get in the way.
/// </summary>
public sealed class IdentityHost : MarketplaceFactory
{
    public IdentityHost()
    {
        SigningKey = RSA.Create(2048);
        Settings["Identity:Jwt:SigningKeyPem"] = SigningKey.ExportPkcs8PrivateKeyPem();
        Settings["Api:CredentialAttemptsPerMinute"] = "100000";
        this.WithBootstrapAdmin();
    }

    public RSA SigningKey { get; }

    /// <summary>A token as the host would issue it, but signed with <paramref name="key"/> and with the given validity.</summary>
    public static string Forge(RSA key, Guid userId, DateTimeOffset notBefore, DateTimeOffset expires, params string[] roles)
    {
        var claims = new List<Claim> { new(MarketplaceClaims.Subject, userId.ToString()), new("email", "forged@tests.local") };
        claims.AddRange(roles.Select(r => new Claim(MarketplaceClaims.Role, r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "marketplace",
            Audience = "marketplace-api",
            Subject = new ClaimsIdentity(claims),
            IssuedAt = notBefore.UtcDateTime,
            NotBefore = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key), SecurityAlgorithms.RsaSha256),
        });
    }
}

internal static class IdentityDatabase
{
    /// <summary>Reads or arranges Identity's rows directly, for what the API does not show (or to let time pass).</summary>
    public static async Task<T> QueryAsync<T>(this MarketplaceFactory host, Func<IdentityDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<IdentityDbContext>());
    }
}
