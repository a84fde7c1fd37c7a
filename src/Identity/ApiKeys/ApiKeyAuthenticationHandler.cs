using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.ApiKeys;

/// <summary>Authenticates a seller's machine calls by the <c>X-Api-Key</c> header.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IdentityDbContext db,
    IMemoryCache recentUse,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Header = "X-Api-Key";

    /// <summary>Value of the <c>auth</c> claim that tells a key's calls from a person's.</summary>
    public const string AuthMethod = "api_key";

    public const string AuthMethodClaim = "auth";

    /// <summary>Writing the last-use time on every call would turn every read into a write.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeySecret.TryParse(values.ToString(), out var keyId, out var secret))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }

        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId)
            .Select(k => new { k.Id, k.SellerId, k.SecretHash, k.RevokedAt, k.ExpiresAt, SellerSuspended = db.Sellers.Any(s => s.Id == k.SellerId && s.SuspendedAt != null) })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (key is null || !CryptographicOperations.FixedTimeEquals(key.SecretHash, ApiKeySecret.Hash(secret)))
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        if (key.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API key was revoked.");
        }

        if (key.ExpiresAt <= clock.GetUtcNow())
        {
            return AuthenticateResult.Fail("The API key expired.");
        }

        if (key.SellerSuspended)
        {
            return AuthenticateResult.Fail("The API key's seller is suspended.");
        }

        await RecordUseAsync(key.Id);
        return AuthenticateResult.Success(new AuthenticationTicket(Caller(key.Id, key.SellerId, Scheme.Name), Scheme.Name));
    }

    /// <summary>Who a call with a valid key of <paramref name="sellerId"/> is, to authorization.</summary>
    public static ClaimsPrincipal Caller(Guid keyId, Guid sellerId, string scheme) => new(new ClaimsIdentity(
        [
            new Claim(MarketplaceClaims.Subject, keyId.ToString()),
            new Claim(MarketplaceClaims.Seller, sellerId.ToString()),
            new Claim(AuthMethodClaim, AuthMethod),
        ],
        scheme,
        MarketplaceClaims.Subject,
        MarketplaceClaims.Role));

    private async Task RecordUseAsync(Guid keyId)
    {
        var cacheKey = (nameof(ApiKeyAuthenticationHandler), keyId);
        if (recentUse.TryGetValue(cacheKey, out _))
        {
            return;
        }

        recentUse.Set(cacheKey, true, LastUseResolution);
        var now = clock.GetUtcNow();
        var stale = now - LastUseResolution;

        // Conditional, so that replicas without this one's cache still write at most about once a minute.
        await db.ApiKeys
            .Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < stale))
            .ExecuteUpdateAsync(setters => setters.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
    }
}
