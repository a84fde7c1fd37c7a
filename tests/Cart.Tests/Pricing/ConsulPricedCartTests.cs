using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests.Pricing;

/// <summary>
/// The production profile with the pricing rules in a Consul KV double, as docker-compose runs them, read with an ACL
/// token allowed to read the rules prefix.
/// </summary>
public sealed class ConsulPricedCartFactory : CartTestFactory
{
    public const string PricingKey = "marketplace/rules/pricing";
    public const string ReaderToken = "cart-rules-reader";

    public static readonly KeyRule ReadsTheRules = new("marketplace/rules/", KeyAccess.Read);

    public ConsulKvDouble Consul { get; private set; } = null!;

    public string LastGoodPath => Path.Combine(RulesDirectory, "last-good.json");

    public override async Task InitializeAsync()
    {
        Consul = await ConsulKvDouble.StartNewAsync();
        Consul.SetToken(ReaderToken, ReadsTheRules);
        Consul.Put(PricingKey, PricedCartFactory.Rules(tenOffPercent: 10));
        Settings["Config:Consul:Address"] = Consul.Address;
        Settings["Config:Consul:Token"] = ReaderToken;
        this.WithBootstrapAdmin();
        Settings["Config:Consul:BackoffMax"] = "00:00:01";

        // A narrowed token shows only when a blocking read answers (as in Consul); keep that within the test's patience.
        Settings["Config:Consul:BlockingWait"] = "00:00:02";
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Consul.DisposeAsync();
    }
}

public sealed class ConsulPricedCartTests(ConsulPricedCartFactory factory) : IClassFixture<ConsulPricedCartFactory>
{
    private HttpClient? _admin;

    [Fact]
    public async Task Carts_keep_the_last_good_rules_through_a_bad_change_and_a_Consul_outage_and_follow_Consul_once_it_is_back()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        await PutRulesInForceAsync(tenOffPercent: 10);
        Assert.Equal(18m, await TotalEventuallyAsync(guest, 18m));

        // A rule no validator accepts, written straight into Consul: refused, and the carts keep their price.
        var before = await RulesStatusAsync();
        var invalid = factory.Consul.Put(ConsulPricedCartFactory.PricingKey, PricedCartFactory.Rules(tenOffPercent: 150));
        await RejectionReportedAsync(before, invalid.ToString());
        Assert.Equal(18m, await TotalAsync(guest));

        // Consul goes away, and a change made meanwhile cannot be read: reads still price with the last good rules.
        await factory.Consul.StopAsync();
        factory.Consul.Put(ConsulPricedCartFactory.PricingKey, PricedCartFactory.Rules(tenOffPercent: 25));
        var down = await Eventually.ReadAsync(RulesStatusAsync, rules => !rules.GetProperty("sourceReachable").GetBoolean());
        Assert.False(down.GetProperty("sourceReachable").GetBoolean(), $"The outage was not noticed: {down}");
        Assert.Equal(18m, await TotalAsync(guest));

        // Consul returns: the change made while it was away reaches the carts.
        await factory.Consul.StartAsync();
        Assert.Equal(15m, await TotalEventuallyAsync(guest, 15m));
    }

    [Fact]
    public async Task Carts_keep_their_prices_and_the_last_good_copy_stays_when_the_pricing_key_is_deleted_or_the_token_may_no_longer_read_it()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        await PutRulesInForceAsync(tenOffPercent: 10);
        Assert.Equal(18m, await TotalEventuallyAsync(guest, 18m));
        var kept = await File.ReadAllBytesAsync(factory.LastGoodPath);

        // Someone deletes the key: Consul's listing simply lacks it.
        var before = await RulesStatusAsync();
        Assert.True(factory.Consul.Delete(ConsulPricedCartFactory.PricingKey));
        await RejectionReportedAsync(before, "0");
        Assert.Equal(18m, await TotalAsync(guest));
        Assert.Equal(kept, await File.ReadAllBytesAsync(factory.LastGoodPath));

        // The key is back; then the token's policy is narrowed: Consul answers with an empty listing (404), not 403.
        await PutRulesInForceAsync(tenOffPercent: 10);
        kept = await File.ReadAllBytesAsync(factory.LastGoodPath);
        before = await RulesStatusAsync();
        factory.Consul.SetToken(ConsulPricedCartFactory.ReaderToken, new KeyRule("marketplace/rules/nothing-here/", KeyAccess.Read));
        try
        {
            var reported = await RejectionReportedAsync(before, "0");
            Assert.True(reported.GetProperty("sourceReachable").GetBoolean(), reported.ToString());
            Assert.Equal(18m, await TotalAsync(guest));
            Assert.Equal(kept, await File.ReadAllBytesAsync(factory.LastGoodPath));
        }
        finally
        {
            factory.Consul.SetToken(ConsulPricedCartFactory.ReaderToken, ConsulPricedCartFactory.ReadsTheRules);
        }

        await PutRulesInForceAsync(tenOffPercent: 10);
        Assert.Equal(18m, await TotalAsync(guest));
    }

    /// <summary>Writes the pricing rules into Consul and waits until this host has that version in force.</summary>
    private async Task PutRulesInForceAsync(decimal tenOffPercent)
    {
        var version = factory.Consul.Put(ConsulPricedCartFactory.PricingKey, PricedCartFactory.Rules(tenOffPercent)).ToString();
        var rules = await Eventually.ReadAsync(RulesStatusAsync, r => InForce(r) == version);
        Assert.True(InForce(rules) == version, $"Version {version} of the pricing rules did not take effect: {rules}");
    }

    /// <summary>Waits until the system endpoint reports a rejection of the pricing section at <paramref name="version"/> newer than the one in <paramref name="before"/>.</summary>
    private async Task<JsonElement> RejectionReportedAsync(JsonElement before, string version)
    {
        var previous = Rejection(before)?.GetProperty("at").GetDateTimeOffset();
        bool Reported(JsonElement rules) => Rejection(rules) is { } rejection
            && rejection.GetProperty("at").GetDateTimeOffset() != previous
            && rejection.GetProperty("sections").EnumerateArray().Any(s => s.GetProperty("section").GetString() == "pricing" && s.GetProperty("version").GetString() == version);
        var rules = await Eventually.ReadAsync(RulesStatusAsync, Reported);
        Assert.True(Reported(rules), $"No new rejection of pricing version {version} reported: {rules}");
        return rules;
    }

    private static JsonElement? Rejection(JsonElement rules) =>
        rules.GetProperty("lastRejection") is { ValueKind: JsonValueKind.Object } rejection ? rejection : null;

    private static string? InForce(JsonElement rules) =>
        rules.GetProperty("versions").TryGetProperty("pricing", out var version) ? version.GetString() : null;

    /// <summary>The rules' state as an admin reads it on the system endpoint (anonymous callers see no detail).</summary>
    private async Task<JsonElement> RulesStatusAsync()
    {
        _admin ??= factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        return (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/system")).GetProperty("status").GetProperty("rules");
    }

    private static async Task<decimal> TotalAsync(HttpClient guest) =>
        CartArrange.Amount((await CartArrange.ReadAsync(guest)).GetProperty("total"));

    private static Task<decimal> TotalEventuallyAsync(HttpClient guest, decimal expected) =>
        Eventually.ReadAsync(() => TotalAsync(guest), total => total == expected);
}
