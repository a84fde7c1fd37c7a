using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests;

/// <summary>The production profile with the pricing rules in a Consul KV double, as docker-compose runs them.</summary>
public sealed class ConsulPricedCartFactory : CartTestFactory
{
    public const string PricingKey = "marketplace/rules/pricing";

    public ConsulKvDouble Consul { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Consul = await ConsulKvDouble.StartNewAsync();
        Consul.Put(PricingKey, PricedCartFactory.Rules(tenOffPercent: 10));
        Settings["Config:Consul:Address"] = Consul.Address;
        Settings["Config:Consul:BackoffMax"] = "00:00:01";
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
    [Fact]
    public async Task Carts_keep_the_last_good_rules_through_a_bad_change_and_a_Consul_outage_and_follow_Consul_once_it_is_back()
    {
        var offers = await CartArrange.OffersAsync(factory, 1, price: 10m);
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offers[0].OfferId, 2);
        Assert.Equal(18m, await TotalEventuallyAsync(guest, 18m));

        // A rule no validator accepts, written straight into Consul: refused, and the carts keep their price.
        factory.Consul.Put(ConsulPricedCartFactory.PricingKey, PricedCartFactory.Rules(tenOffPercent: 150));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(18m, await TotalAsync(guest));

        // Consul goes away, and a change made meanwhile cannot be read: every read still prices with the last good rules.
        await factory.Consul.StopAsync();
        factory.Consul.Put(ConsulPricedCartFactory.PricingKey, PricedCartFactory.Rules(tenOffPercent: 25));
        for (var read = 0; read < 5; read++)
        {
            Assert.Equal(18m, await TotalAsync(guest));
            await Task.Delay(200);
        }

        // Consul returns: the change made while it was away reaches the carts.
        await factory.Consul.StartAsync();
        Assert.Equal(15m, await TotalEventuallyAsync(guest, 15m));
    }

    private static async Task<decimal> TotalAsync(HttpClient guest) =>
        CartArrange.Amount((await CartArrange.ReadAsync(guest)).GetProperty("total"));

    private static Task<decimal> TotalEventuallyAsync(HttpClient guest, decimal expected) =>
        Eventually.ReadAsync(() => TotalAsync(guest), total => total == expected);
}
