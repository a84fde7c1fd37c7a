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

/// <summary>
/// Pricing rules in configuration (section RuntimeRules:pricing): 10% off everything, promo code SAVE5 (one use in
/// total) for 1.00 off each unit, and free delivery per seller from 50.00.
/// </summary>
public sealed class PricedCartFactory : MarketplaceFactory
{
    public const string Rules = "RuntimeRules:pricing:";

    public PricedCartFactory()
    {
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        Settings[Rules + "discounts:0:id"] = "ten-off";
        Settings[Rules + "discounts:0:name"] = "10% off everything";
        Settings[Rules + "discounts:0:kind"] = "percentage";
        Settings[Rules + "discounts:0:percent"] = "10";
        Settings[Rules + "discounts:1:id"] = "save5";
        Settings[Rules + "discounts:1:name"] = "1.00 off each unit with SAVE5";
        Settings[Rules + "discounts:1:kind"] = "fixed";
        Settings[Rules + "discounts:1:amountOff:amount"] = "1";
        Settings[Rules + "discounts:1:amountOff:currency"] = "EUR";
        Settings[Rules + "discounts:1:promoCode"] = "SAVE5";
        Settings[Rules + "promoCodes:0:code"] = "SAVE5";
        Settings[Rules + "promoCodes:0:maxUses"] = "1";
        Settings[Rules + "freeDelivery:0:id"] = "free-50";
        Settings[Rules + "freeDelivery:0:name"] = "Free delivery from 50.00 per seller";
        Settings[Rules + "freeDelivery:0:appliesTo"] = "eachSeller";
        Settings[Rules + "freeDelivery:0:threshold:amount"] = "50";
        Settings[Rules + "freeDelivery:0:threshold:currency"] = "EUR";
    }
}
