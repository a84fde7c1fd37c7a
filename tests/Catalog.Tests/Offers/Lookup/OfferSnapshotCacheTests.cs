using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Offers.Lookup;

/// <summary>
/// Offer snapshots cached, as in production, read through a guest cart (the cart is the lookup's consumer). Its guest
/// carts live under a Redis key prefix of its own, removed when it is disposed.
/// </summary>
public sealed class CachedOffersFactory : MarketplaceFactory
{
    private readonly string _redisPrefix = $"test-{Guid.NewGuid():N}:";

    public CachedOffersFactory()
    {
        this.ForOfferArrange();
        Settings["Catalog:OfferSnapshotCacheTtl"] = "00:10:00";
        Settings["Cart:GuestRequestsPerMinute"] = "100000";
        Settings["Cart:RedisKeyPrefix"] = _redisPrefix;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await RedisKeys.DeleteUnderAsync(_redisPrefix);

        GC.SuppressFinalize(this);
    }
}

public sealed class OfferSnapshotCacheTests(CachedOffersFactory factory) : IClassFixture<CachedOffersFactory>
{
    [Fact]
    public async Task A_cart_reuses_an_offer_snapshot_until_the_offer_changed_event_arrives_and_then_reads_the_new_price()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, price: 10m)).Single();
        await ArrangeEventsConsumedAsync();
        var guest = await NewGuestAsync();
        await OkAsync(await guest.PostAsJsonAsync("/api/v1/cart/lines", new { offerId = offer.OfferId, quantity = 1 }));
        Assert.Equal(10m, await TotalAsync(guest));

        // Written behind the Catalog's back (no event): the snapshot stays, which shows the cache is in use.
        await WithCatalogAsync(db => db.Offers.Where(o => o.Id == offer.OfferId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Price, 12m)));
        Assert.Equal(10m, await TotalAsync(guest));

        // The event every real change publishes evicts it on this replica.
        await WithCatalogAsync(async db =>
        {
            var row = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == offer.OfferId);
            db.Publish(new Marketplace.Catalog.Contracts.OfferChanged(row.Id, row.SkuId, row.ProductId, row.SellerId, row.Price, row.Currency, row.Stock, DateTimeOffset.UtcNow), TimeProvider.System);
            return await db.SaveChangesAsync();
        });

        Assert.Equal(12m, await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 12m));
        var line = (await OkAsync(await guest.GetAsync("/api/v1/cart"))).GetProperty("sellers").EnumerateArray()
            .SelectMany(s => s.GetProperty("lines").EnumerateArray()).Single(l => l.GetProperty("offerId").GetGuid() == offer.OfferId);
        Assert.Contains("PriceChanged", line.GetProperty("issues").EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public async Task A_product_changed_event_drops_the_snapshots_of_that_products_offers()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, price: 10m)).Single();
        await ArrangeEventsConsumedAsync();
        var guest = await NewGuestAsync();
        await OkAsync(await guest.PostAsJsonAsync("/api/v1/cart/lines", new { offerId = offer.OfferId, quantity = 1 }));
        Assert.Equal(10m, await TotalAsync(guest));
        await WithCatalogAsync(db => db.Offers.Where(o => o.Id == offer.OfferId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Price, 14m)));
        Assert.Equal(10m, await TotalAsync(guest));

        await WithCatalogAsync(db =>
        {
            db.Publish(new Marketplace.Catalog.Contracts.ProductChanged(offer.ProductId, DateTimeOffset.UtcNow), TimeProvider.System);
            return db.SaveChangesAsync();
        });

        Assert.Equal(14m, await Eventually.ReadAsync(() => TotalAsync(guest), total => total == 14m));
    }

    /// <summary>
    /// Waits until the events the arrangement published (the offer's creation) have reached this replica's eviction queue
    /// and been consumed; otherwise one landing late evicts the snapshot the test is about to show is in use.
    /// </summary>
    private async Task ArrangeEventsConsumedAsync()
    {
        var prefix = factory.Services.GetRequiredService<IConfiguration>()["Messaging:EntityPrefix"]!;
        await Eventually.ReadAsync(
            async () =>
            {
                using var scope = factory.Services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
                return !await db.OutboxMessages.AnyAsync(m => m.PublishedAt == null)
                    && await RabbitQueues.DrainedAsync(prefix, "product-detail-eviction");
            },
            settled => settled,
            TimeSpan.FromSeconds(60));
    }

    private static async Task<decimal> TotalAsync(HttpClient guest) =>
        (await OkAsync(await guest.GetAsync("/api/v1/cart"))).GetProperty("total").GetProperty("amount").GetDecimal();

    private async Task<HttpClient> NewGuestAsync()
    {
        var token = (await CreatedAsync(await factory.CreateClient().PostAsync("/api/v1/cart/guest", null))).GetProperty("token").GetString()!;
        var guest = factory.CreateClient();
        guest.DefaultRequestHeaders.Add("X-Cart-Token", token);
        return guest;
    }

    private static Task<JsonElement> OkAsync(HttpResponseMessage response) => ExpectAsync(response, HttpStatusCode.OK);

    private static Task<JsonElement> CreatedAsync(HttpResponseMessage response) => ExpectAsync(response, HttpStatusCode.Created);

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task WithCatalogAsync<T>(Func<CatalogDbContext, Task<T>> change)
    {
        using var scope = factory.Services.CreateScope();
        await change(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
    }
}
