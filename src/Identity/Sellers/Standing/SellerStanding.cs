using System.Security.Claims;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Sellers.Standing;

/// <summary>Limits of seller standing; bound from <c>Identity:Sellers</c>.</summary>
internal sealed class SellerStandingOptions
{
    /// <summary>
    /// How long a replica trusts what it read about a person's memberships. A suspension or a removal reaches every
    /// replica within this time, instead of when the person's access token expires.
    /// </summary>
    public TimeSpan MembershipCacheTtl { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Which sellers a person may act for right now: the memberships that still exist, of sellers that are not
/// suspended. An access token names the memberships it was issued with; each request keeps only those still in
/// good standing, so a suspension or a removal does not wait for the token to expire.
/// </summary>
internal sealed class SellerStanding(IMemoryCache cache, IOptions<SellerStandingOptions> options)
{
    public const int MaxReasonLength = 500;

    /// <summary>The sellers the account is a member of and that may trade; the query tokens are issued from too.</summary>
    public static IQueryable<Guid> ActiveMemberships(IdentityDbContext db, Guid userId) =>
        from member in db.SellerMembers.AsNoTracking()
        join seller in db.Sellers.AsNoTracking() on member.SellerId equals seller.Id
        where member.UserId == userId && seller.SuspendedAt == null
        select member.SellerId;

    /// <summary>Drops from a person's validated token every seller claim that is no longer in good standing.</summary>
    public async Task RestrictToCurrentAsync(ClaimsPrincipal principal, IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (principal.Identity is not ClaimsIdentity identity || principal.UserId() is not { } userId)
        {
            return;
        }

        var claimed = identity.FindAll(MarketplaceClaims.Seller).ToList();
        if (claimed.Count == 0)
        {
            return;
        }

        var ttl = options.Value.MembershipCacheTtl;
        var current = ttl <= TimeSpan.Zero
            ? await ReadAsync(db, userId, cancellationToken)
            : await cache.GetOrCreateAsync((nameof(SellerStanding), userId), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = ttl;
                return ReadAsync(db, userId, cancellationToken);
            }) ?? new HashSet<Guid>();
        foreach (var claim in claimed.Where(c => !Guid.TryParse(c.Value, out var sellerId) || !current.Contains(sellerId)))
        {
            identity.RemoveClaim(claim);
        }
    }

    private static async Task<IReadOnlySet<Guid>> ReadAsync(IdentityDbContext db, Guid userId, CancellationToken cancellationToken) =>
        (await ActiveMemberships(db, userId).ToListAsync(cancellationToken)).ToHashSet();
}
