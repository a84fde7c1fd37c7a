using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>The production profile (PostgreSQL, Redis); tests send far more guest requests than a person would.</summary>
public sealed class CartFactory : MarketplaceFactory
{
    public CartFactory()
    {
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        CartRules.Isolate(Settings);
    }
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
        CartRules.Isolate(Settings);
        Settings["Cart:MaxLines"] = MaxLines.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Cart:MaxQuantityPerLine"] = MaxQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Three guest-cart requests a minute per client.</summary>
public sealed class RateLimitedCartFactory : MarketplaceFactory
{
    public RateLimitedCartFactory()
    {
        Settings["Cart:GuestRequestsPerMinute"] = "3";
        CartRules.Isolate(Settings);
    }
}

/// <summary>The embedded profile: SQLite and carts in process memory.</summary>
public sealed class EmbeddedCartFactory : MarketplaceFactory
{
    public EmbeddedCartFactory()
        : base(TestProfile.Embedded)
    {
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        CartRules.Isolate(Settings);
    }
}

/// <summary>
/// Pricing rules from a runtime rules file of the test's own (config/runtime/pricing.json's place): 10% off everything,
/// promo code SAVE5 (one use in total) for 1.00 off each unit, and free delivery per seller from 50.00.
/// </summary>
public sealed class PricedCartFactory : MarketplaceFactory
{
    public PricedCartFactory()
    {
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        RulesDirectory = CartRules.Isolate(Settings);
        WriteRules(tenOffPercent: 10);
        this.WithBootstrapAdmin();
    }

    public string RulesDirectory { get; }

    /// <summary>Writes pricing.json as an operator would; the host picks it up while running.</summary>
    public void WriteRules(decimal tenOffPercent) => File.WriteAllText(Path.Combine(RulesDirectory, "pricing.json"), Rules(tenOffPercent));

    /// <summary>The rule document, with the percentage of rule ten-off as given.</summary>
    public static string Rules(decimal tenOffPercent) => $$"""
        {
          "discounts": [
            { "id": "ten-off", "name": "Percent off everything", "kind": "percentage", "percent": {{tenOffPercent}} },
            { "id": "save5", "name": "1.00 off each unit with SAVE5", "kind": "fixed", "amountOff": { "amount": 1, "currency": "EUR" }, "promoCode": "SAVE5" }
          ],
          "promoCodes": [ { "code": "SAVE5", "maxUses": 1 } ],
          "freeDelivery": [
            { "id": "free-50", "name": "Free delivery from 50.00 per seller", "appliesTo": "eachSeller", "threshold": { "amount": 50, "currency": "EUR" } }
          ]
        }
        """;
}

/// <summary>Gives a test host a runtime rules directory of its own, so rule files in the repository do not price its carts.</summary>
internal static class CartRules
{
    public static string Isolate(IDictionary<string, string?> settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"cart-rules-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        settings["Config:RuntimeDirectory"] = directory;
        // Redis outlives test runs: promo-code uses counted by one run must not spend another's.
        settings["Cart:RedisKeyPrefix"] = $"test-{Guid.NewGuid():N}:";
        settings["Config:LastGoodPath"] = Path.Combine(directory, "last-good.json");
        return directory;
    }
}
