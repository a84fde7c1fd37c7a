using Marketplace.Cart.Contracts;
using Marketplace.Cart.PromoCodes;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests.PromoCodes;

/// <summary>The usage port Ordering calls as it places an order, on both adapters.</summary>
public sealed class PromoCodeUsageTests(CartFactory factory) : IClassFixture<CartFactory>
{
    public static TheoryData<string> Adapters() => ["redis", "memory"];

    private IPromoCodeUsage Usage(string adapter) =>
        adapter == "memory" ? new MemoryPromoCodeUsage() : factory.Services.GetRequiredService<IPromoCodeUsage>();

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task A_placed_order_counts_one_use_of_each_code_in_total_and_for_its_customer(string adapter)
    {
        var usage = Usage(adapter);
        var code = $"C{Guid.NewGuid():N}"[..16];
        var other = $"D{Guid.NewGuid():N}"[..16];
        var alice = Guid.NewGuid();

        Assert.True(await usage.RecordPlacedOrderAsync(Guid.NewGuid(), alice, [code, code.ToLowerInvariant(), other], CancellationToken.None));
        Assert.True(await usage.RecordPlacedOrderAsync(Guid.NewGuid(), Guid.NewGuid(), [code], CancellationToken.None));
        Assert.True(await usage.RecordPlacedOrderAsync(Guid.NewGuid(), null, [code], CancellationToken.None));
        var forAlice = await usage.GetAsync([code, other, "NEVER-USED"], alice, CancellationToken.None);
        var forGuest = await usage.GetAsync([code], null, CancellationToken.None);

        Assert.Equal(new PromoCodeUses(3, 1), forAlice[code]);
        Assert.Equal(new PromoCodeUses(1, 1), forAlice[other]);
        Assert.Equal(new PromoCodeUses(0, 0), forAlice["NEVER-USED"]);
        Assert.Equal(new PromoCodeUses(3, 0), forGuest[code]);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Recording_the_same_order_again_counts_nothing(string adapter)
    {
        var usage = Usage(adapter);
        var code = $"R{Guid.NewGuid():N}"[..16];
        var order = Guid.NewGuid();
        var customer = Guid.NewGuid();

        var first = await usage.RecordPlacedOrderAsync(order, customer, [code], CancellationToken.None);
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => usage.RecordPlacedOrderAsync(order, customer, [code], CancellationToken.None)));

        Assert.True(first);
        Assert.All(retries, recorded => Assert.False(recorded));
        Assert.Equal(new PromoCodeUses(1, 1), (await usage.GetAsync([code], customer, CancellationToken.None))[code]);
    }
}
