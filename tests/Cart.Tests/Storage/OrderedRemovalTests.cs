using Marketplace.Cart.Storage;
using Marketplace.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart.Tests.Storage;

/// <summary>Taking ordered units out of a cart, on both stores: the Redis one of the host, and the in-process one.</summary>
public sealed class OrderedRemovalTests(CartFactory factory) : IClassFixture<CartFactory>
{
    public static TheoryData<string, bool> StoresAndCarts() => new() { { "redis", true }, { "redis", false }, { "memory", true }, { "memory", false } };

    private ICartStore Store(string store) =>
        store == "memory" ? new MemoryCartStore(TimeProvider.System, Options.Create(new CartOptions())) : factory.Services.GetRequiredService<ICartStore>();

    private static readonly CartLimits Limits = CartLimits.From(new CartOptions());

    [Theory]
    [MemberData(nameof(StoresAndCarts))]
    public async Task The_ordered_units_leave_the_cart_once_whatever_the_number_of_concurrent_repeats(string storeName, bool guest)
    {
        var store = Store(storeName);
        var key = new CartKey(Guid.NewGuid().ToString("N"), guest);
        var (kept, emptied, later) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await AddAsync(store, key, kept, 5);
        await AddAsync(store, key, emptied, 2);
        await AddAsync(store, key, later, 1);
        var orderGroup = Guid.NewGuid();

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            store.RemoveOrderedAsync(key, orderGroup, new Dictionary<Guid, int> { [kept] = 2, [emptied] = 3, [Guid.NewGuid()] = 1 }, Limits, CancellationToken.None)));
        var cart = await store.ReadAsync(key, CancellationToken.None);

        Assert.Equal([(kept, 3), (later, 1)], cart!.Lines.Select(l => (l.OfferId, l.Quantity)));
        await AddAsync(store, key, emptied, 1);
        Assert.Equal(3, (await store.ReadAsync(key, CancellationToken.None))!.Lines.Count);
    }

    [Theory]
    [MemberData(nameof(StoresAndCarts))]
    public async Task Removing_from_a_cart_that_is_not_stored_creates_nothing(string storeName, bool guest)
    {
        var store = Store(storeName);
        var key = new CartKey(Guid.NewGuid().ToString("N"), guest);

        await store.RemoveOrderedAsync(key, Guid.NewGuid(), new Dictionary<Guid, int> { [Guid.NewGuid()] = 1 }, Limits, CancellationToken.None);

        var cart = await store.ReadAsync(key, CancellationToken.None);
        Assert.True(cart is null || cart.Lines.Count == 0);
        Assert.Equal(guest, cart is null);
    }

    private static async Task AddAsync(ICartStore store, CartKey key, Guid offerId, int quantity)
    {
        var write = await store.AddAsync(key, new NewLine(offerId, Guid.NewGuid(), quantity, new Money(10m, "EUR")), Limits, mayCreate: true, CancellationToken.None);
        Assert.Equal(CartWriteStatus.Written, write.Status);
    }
}
