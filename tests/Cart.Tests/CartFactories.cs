using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>
/// The real host for cart tests: far more guest requests than a person would send, a runtime rules directory of its
/// own (rule files in the repository do not price its carts), and Redis keys of its own, removed when it is disposed
/// (Redis outlives test runs: promo-code uses counted by one run must not spend another's).
/// </summary>
public abstract class CartTestFactory : MarketplaceFactory
{
    private readonly string _redisPrefix = $"test-{Guid.NewGuid():N}:";

    protected CartTestFactory(TestProfile profile = TestProfile.Production)
        : base(profile)
    {
        RulesDirectory = Path.Combine(Path.GetTempPath(), $"cart-rules-{Guid.NewGuid():N}");
        Directory.CreateDirectory(RulesDirectory);
        this.ForOfferArrange();
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        Settings["Cart:RedisKeyPrefix"] = _redisPrefix;
        Settings["Config:RuntimeDirectory"] = RulesDirectory;
        Settings["Config:LastGoodPath"] = Path.Combine(RulesDirectory, "last-good.json");
    }

    public string RulesDirectory { get; }

    private bool _cleaned;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cleaned)
        {
            return;
        }

        _cleaned = true;
        Directory.Delete(RulesDirectory, recursive: true);
        if (Profile == TestProfile.Production)
        {
            await RedisKeys.DeleteUnderAsync(_redisPrefix);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The production profile: PostgreSQL and Redis.</summary>
public sealed class CartFactory : CartTestFactory;

/// <summary>Small limits and a short idle time to live, to see them act.</summary>
public sealed class SmallCartFactory : CartTestFactory
{
    public const int MaxLines = 2;
    public const int MaxQuantity = 5;

    /// <summary>Long enough that a loaded machine still gets a change in halfway through; short enough to wait out.</summary>
    public static readonly TimeSpan IdleTimeToLive = TimeSpan.FromSeconds(5);

    public SmallCartFactory()
    {
        Settings["Cart:IdleTimeToLive"] = IdleTimeToLive.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        Settings["Cart:MaxLines"] = MaxLines.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Cart:MaxQuantityPerLine"] = MaxQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Guest carts idle out on their own clock; here both are the same short one.
        Settings["Cart:GuestIdleTimeToLive"] = Settings["Cart:IdleTimeToLive"];
    }
}

/// <summary>Three guest-cart requests a minute per client.</summary>
public sealed class RateLimitedCartFactory : CartTestFactory
{
    public RateLimitedCartFactory() => Settings["Cart:GuestRequestsPerMinute"] = "3";
}

/// <summary>The embedded profile: SQLite and carts in process memory; with an admin, who may read the system endpoint.</summary>
public sealed class EmbeddedCartFactory : CartTestFactory
{
    public EmbeddedCartFactory()
        : base(TestProfile.Embedded) => this.WithBootstrapAdmin();
}

/// <summary>
/// Pricing rules from a runtime rules file of the test's own (config/runtime/pricing.json's place): 10% off everything,
/// promo code SAVE5 (one use in total) for 1.00 off each unit, and free delivery per seller from 50.00.
/// </summary>
public sealed class PricedCartFactory : CartTestFactory
{
    public PricedCartFactory()
    {
        WriteRules(tenOffPercent: 10);
        this.WithBootstrapAdmin();
    }

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

/// <summary>
/// Rules for checkout and segments: 10% off everything; 1.00 off each unit for new customers (rule welcome); promo code
/// CODE-A (100 uses) for 2.00 off each unit; free delivery per seller from 50.00.
/// </summary>
public sealed class CheckoutCartFactory : CartTestFactory
{
    public CheckoutCartFactory() => File.WriteAllText(Path.Combine(RulesDirectory, "pricing.json"), """
        {
          "discounts": [
            { "id": "ten-off", "name": "Ten percent off everything", "kind": "percentage", "percent": 10 },
            { "id": "welcome", "name": "1.00 off each unit for new customers", "kind": "fixed", "amountOff": { "amount": 1, "currency": "EUR" }, "segment": { "newCustomer": true } },
            { "id": "code-a", "name": "2.00 off each unit with CODE-A", "kind": "fixed", "amountOff": { "amount": 2, "currency": "EUR" }, "promoCode": "CODE-A" }
          ],
          "promoCodes": [ { "code": "CODE-A", "maxUses": 100 } ],
          "freeDelivery": [
            { "id": "free-50", "name": "Free delivery from 50.00 per seller", "appliesTo": "eachSeller", "threshold": { "amount": 50, "currency": "EUR" } }
          ]
        }
        """);
}
