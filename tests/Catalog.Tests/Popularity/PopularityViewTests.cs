using System.Net;
using System.Net.Http.Headers;
using MassTransit;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.Search.Elasticsearch;
using Marketplace.Platform.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Marketplace.Catalog.Tests.Popularity;

/// <summary>PostgreSQL and Redis; the flusher's own timer is too slow to run during a test, which flushes itself.</summary>
public sealed class PopularityViewFactory : MarketplaceFactory
{
    public PopularityViewFactory() => PopularityViewSettings.Configure(this);
}

/// <summary>SQLite and process memory.</summary>
public sealed class EmbeddedPopularityViewFactory : MarketplaceFactory
{
    public EmbeddedPopularityViewFactory()
        : base(TestProfile.Embedded) => PopularityViewSettings.Configure(this);
}

public sealed class PopularityViewTests(PopularityViewFactory factory) : PopularityViewTestsBase(factory), IClassFixture<PopularityViewFactory>
{
    /// <summary>The hashes the version before the logarithmic scores kept are never read again: a flush gives them a lifetime.</summary>
    [Fact]
    public async Task A_flush_gives_the_former_versions_hashes_a_lifetime()
    {
        var database = Factory.Services.GetRequiredKeyedService<DatabaseProfile>(CatalogModule.Name);
        var redis = Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var legacy = PopularityFlusher.LegacyKeys(database);
        foreach (var key in legacy)
        {
            await redis.KeyDeleteAsync(key);
            await redis.HashIncrementAsync(key, Guid.NewGuid().ToString("N"), 1.5);
        }

        // The host's own flusher may have flushed already (another test): it sets the lifetime once, so a new one is made.
        var fresh = new PopularityFlusher(
            Factory.Services.GetRequiredService<PopularityBuffer>(), Factory.Services.GetRequiredService<IServiceScopeFactory>(),
            Factory.Services.GetRequiredService<IOptions<CatalogOptions>>(), Factory.Services.GetRequiredService<IOptions<ElasticsearchOptions>>(),
            NullLogger<PopularityFlusher>.Instance, database, Factory.Services.GetRequiredService<IConnectionMultiplexer>());
        await fresh.FlushAsync(CancellationToken.None);

        foreach (var key in legacy)
        {
            var ttl = await redis.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, PopularityFlusher.LegacyKeyLifetime - TimeSpan.FromMinutes(5), PopularityFlusher.LegacyKeyLifetime);
        }
    }
}

public sealed class EmbeddedPopularityViewTests(EmbeddedPopularityViewFactory factory) : PopularityViewTestsBase(factory), IClassFixture<EmbeddedPopularityViewFactory>;

public abstract class PopularityViewTestsBase(MarketplaceFactory factory)
{
    protected MarketplaceFactory Factory => factory;

    [Fact]
    public async Task A_client_counts_one_view_per_product_per_window_and_a_304_counts_none()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory.ForSellerTests());
        var productId = await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, $"V{Guid.NewGuid():N}"[..12], 1);
        var anonymous = factory.CreateClient();
        var revalidating = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);
        var another = factory.CreateClient((await IdentityFlows.RegisterCustomerAsync(factory.CreateClient())).AccessToken);

        var first = await anonymous.GetAsync($"/api/v1/products/{productId}");
        var reloads = new[] { await anonymous.GetAsync($"/api/v1/products/{productId}"), await anonymous.GetAsync($"/api/v1/products/{productId}") };
        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/products/{productId}");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var notModified = await revalidating.SendAsync(conditional);
        var byAnother = await another.GetAsync($"/api/v1/products/{productId}");

        Assert.All(reloads.Append(first).Append(byAnother), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(2, await CountedViewsAsync(productId));
    }

    [Fact]
    public async Task Flushes_add_to_the_score_a_product_already_has()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory.ForSellerTests());
        var productId = await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, $"V{Guid.NewGuid():N}"[..12], 1);
        var buffer = factory.Services.GetRequiredService<PopularityBuffer>();

        buffer.Record(productId, PopularitySignal.View, 3);
        var afterFirst = await CountedViewsAsync(productId);
        buffer.Record(productId, PopularitySignal.View, 4);
        var afterSecond = await CountedViewsAsync(productId);

        Assert.Equal(3, afterFirst);
        Assert.Equal(7, afterSecond);
    }

    /// <summary>Ordering's OrderPlaced, published here as the Catalog reads it (the exchange is the same: Ordering's URN).</summary>
    [Fact]
    public async Task Units_a_placed_order_bought_count_toward_their_products_popularity()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory.ForSellerTests());
        var productId = await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, $"O{Guid.NewGuid():N}"[..12], 2);
        var offers = await SellerCatalogArrange.WithDbAsync(factory, async db =>
        {
            var seller = new SellerProfile { Id = Guid.NewGuid(), Name = "Popular seller" };
            var skus = await db.Skus.Where(s => s.ProductId == productId).ToListAsync();
            var offers = skus.Select(s => new Offer
            {
                Id = Guid.NewGuid(), SkuId = s.Id, ProductId = productId, SellerId = seller.Id, Price = 5, Currency = "EUR", Stock = 10, UpdatedAt = DateTimeOffset.UtcNow,
            }).ToList();
            db.Sellers.Add(seller);
            db.Offers.AddRange(offers);
            await db.SaveChangesAsync();
            return offers.Select(o => o.Id).ToList();
        });

        await factory.Services.GetRequiredService<IBus>().Publish(
            new OrderedUnitsRead(Guid.NewGuid(), [new(offers[0], 2), new(offers[1]), new(Guid.NewGuid(), 5)]));

        // Three units (a line without a quantity is one) at 20 each; the unknown offer counts nothing.
        var counted = await Eventually.ReadAsync(() => CountedViewsAsync(productId), views => views >= 60);
        Assert.Equal(60, counted);
    }

    /// <summary>Flushes what the views gathered, then reads the score back as a number of views.</summary>
    private async Task<long> CountedViewsAsync(Guid productId)
    {
        var flusher = factory.Services.GetServices<IHostedService>().OfType<PopularityFlusher>().Single();
        await flusher.FlushAsync(CancellationToken.None);
        var score = await SellerCatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == productId).Select(p => p.Popularity).SingleAsync());
        return (long)Math.Round(PopularityScore.WeightAt(score, DateTimeOffset.UtcNow, PopularityScore.DefaultHalfLife));
    }
}

internal static class PopularityViewSettings
{
    public static void Configure(MarketplaceFactory factory)
    {
        factory.Settings["Catalog:PopularityFlushInterval"] = "01:00:00";
        factory.Settings["Catalog:PopularityViewWeight"] = "1";
        factory.Settings["Catalog:PopularityOrderWeight"] = "20";
        factory.Settings["Api:CredentialAttemptsPerMinute"] = "10000";
    }
}
