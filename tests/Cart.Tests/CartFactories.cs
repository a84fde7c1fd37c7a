using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>The production profile (PostgreSQL, Redis); tests send far more guest requests than a person would.</summary>
public sealed class CartFactory : MarketplaceFactory
{
    public CartFactory() => Settings["Cart:GuestRequestsPerMinute"] = "100000";
}

/// <summary>Small limits and a short idle time to live, to see them act.</summary>
public sealed class SmallCartFactory : MarketplaceFactory
{
    public const int MaxLines = 2;
    public const int MaxQuantity = 5;

    public SmallCartFactory()
    {
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        Settings["Cart:IdleTimeToLive"] = "00:00:03";
        Settings["Cart:MaxLines"] = MaxLines.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Cart:MaxQuantityPerLine"] = MaxQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Three guest-cart requests a minute per client.</summary>
public sealed class RateLimitedCartFactory : MarketplaceFactory
{
    public RateLimitedCartFactory() => Settings["Cart:GuestRequestsPerMinute"] = "3";
}

/// <summary>The embedded profile: SQLite and carts in process memory.</summary>
public sealed class EmbeddedCartFactory : MarketplaceFactory
{
    public EmbeddedCartFactory()
        : base(TestProfile.Embedded) => Settings["Cart:GuestRequestsPerMinute"] = "100000";
}
