using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests;

/// <summary>Cart reads with offer snapshots cached, as in production (the other cart tests read every offer live).</summary>
public sealed class CachedOffersCartFactory : CartTestFactory
{
    public CachedOffersCartFactory() => Settings["Catalog:OfferSnapshotCacheTtl"] = "00:10:00";
}

public sealed class OfferSnapshotCacheTests(CachedOffersCartFactory factory) : IClassFixture<CachedOffersCartFactory>
{
    [Fact]
    public async Task A_cart_reuses_an_offer_snapshot_until_the_offer_changed_event_arrives_and_then_reads_the_new_price()
    {
        var offer = (await CartArrange.OffersAsync(factory, 1, price: 10m)).Single();
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offer.OfferId, 1);
        Assert.Equal(10m, await TotalAsync(guest));

        // Written behind the Catalog's back (no event): the snapshot stays, which shows the cache is in use.
        await WithCatalogAsync(db => db.Offers.Where(o => o.Id == offer.OfferId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Price, 12m)));
        Assert.Equal(10m, await TotalAsync(guest));

        // The event every real change publishes evicts it on this replica.
        await WithCatalogAsync(async db =>
        {
            var row = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == offer.OfferId);
            db.Publish(new Catalog.Contracts.OfferChanged(row.Id, row.SkuId, row.ProductId, row.SellerId, row.Price, row.Currency, row.Stock, DateTimeOffset.UtcNow), TimeProvider.System);
            return await db.SaveChangesAsync();
        });

        Assert.Equal(12m, await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 12m));
        Assert.Contains("PriceChanged", CartArrange.Issues(CartArrange.Line(await CartArrange.ReadAsync(guest), offer.OfferId)));
    }

    [Fact]
    public async Task A_product_changed_event_drops_the_snapshots_of_that_products_offers()
    {
        var offer = (await CartArrange.OffersAsync(factory, 1, price: 10m)).Single();
        var guest = await CartArrange.NewGuestAsync(factory);
        await CartArrange.AddOkAsync(guest, offer.OfferId, 1);
        Assert.Equal(10m, await TotalAsync(guest));
        await WithCatalogAsync(db => db.Offers.Where(o => o.Id == offer.OfferId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Price, 14m)));
        Assert.Equal(10m, await TotalAsync(guest));

        await WithCatalogAsync(db =>
        {
            db.Publish(new Catalog.Contracts.ProductChanged(offer.ProductId, DateTimeOffset.UtcNow), TimeProvider.System);
            return db.SaveChangesAsync();
        });

        Assert.Equal(14m, await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 14m));
    }

    private static async Task<decimal> TotalAsync(HttpClient guest) =>
        CartArrange.Amount((await CartArrange.ReadAsync(guest)).GetProperty("total"));

    private async Task WithCatalogAsync<T>(Func<CatalogDbContext, Task<T>> change)
    {
        using var scope = factory.Services.CreateScope();
        await change(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
    }
}
