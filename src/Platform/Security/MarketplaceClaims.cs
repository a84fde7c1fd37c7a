using System.Security.Claims;

namespace Marketplace.Platform.Security;

/// <summary>The claims every module reads to learn who is calling; Identity issues them.</summary>
public static class MarketplaceClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Seller = "seller_id";

    /// <summary>Authentication scheme of seller API keys.</summary>
    public const string ApiKeyScheme = "ApiKey";

    public static class Roles
    {
        public const string Admin = "admin";
        public const string Marketing = "marketing";
        public const string Customer = "customer";
    }

    public static class Policies
    {
        /// <summary>Any signed-in seller member or seller API key.</summary>
        public const string Seller = "seller";
        public const string Admin = "admin";
        public const string Marketing = "marketing";
        public const string Customer = "customer";
    }

    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(Subject), out var id) ? id : null;

    /// <summary>The sellers the caller acts for: one for an API key, every membership for a member's token.</summary>
    public static IReadOnlySet<Guid> SellerIds(this ClaimsPrincipal principal) =>
        principal.FindAll(Seller).Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();

    public static bool ActsFor(this ClaimsPrincipal principal, Guid sellerId) => principal.SellerIds().Contains(sellerId);

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.HasClaim(Role, Roles.Admin);
}
