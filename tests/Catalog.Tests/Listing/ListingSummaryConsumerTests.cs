using MassTransit;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Listing;

public sealed class ListingSummaryConsumerTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    [Fact]
    public async Task A_redelivered_offer_changed_event_is_recorded_once_and_does_not_stop_the_refresh()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var productId = await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, $"R{Guid.NewGuid():N}"[..10], 1);
        var skuId = await SellerCatalogArrange.WithDbAsync(factory, db => db.Skus.Where(s => s.ProductId == productId).Select(s => s.Id).SingleAsync());
        var sellerId = Guid.NewGuid();
        await SellerCatalogArrange.WithDbAsync(factory, async db =>
        {
            db.Offers.Add(new Catalog.Domain.Offer { Id = Guid.NewGuid(), SkuId = skuId, ProductId = productId, SellerId = sellerId, Price = 12m, Currency = "EUR", Stock = 1, UpdatedAt = DateTimeOffset.UtcNow, Version = 1 });
            return await db.SaveChangesAsync();
        });
        var messageId = Guid.NewGuid();
        var bus = factory.Services.GetRequiredService<IBus>();
        var changed = new Catalog.Contracts.OfferChanged(Guid.NewGuid(), skuId, productId, sellerId, 12m, "EUR", 1, DateTimeOffset.UtcNow);

        await bus.Publish(changed, context => context.MessageId = messageId);
        await bus.Publish(changed, context => context.MessageId = messageId);

        // Both copies consumed: the summary shows the offer and the consumer's queue holds nothing, waiting or unacknowledged.
        var prefix = factory.Services.GetRequiredService<IConfiguration>()["Messaging:EntityPrefix"]!;
        await Eventually.ReadAsync(
            async () => await SellerCatalogArrange.WithDbAsync(factory, db => db.Products.AsNoTracking().AnyAsync(p => p.Id == productId && p.MinPrice == 12m && p.InStock))
                && await RabbitQueues.DrainedAsync(prefix, "offer-changed-listing"),
            settled => settled,
            TimeSpan.FromSeconds(60));
        var inbox = await SellerCatalogArrange.WithDbAsync(factory, db => db.InboxMessages.CountAsync(m => m.MessageId == messageId));
        Assert.Equal(1, inbox);
        var refreshed = await SellerCatalogArrange.WithDbAsync(factory, db => db.Products.AsNoTracking().SingleAsync(p => p.Id == productId));
        Assert.Equal(12m, refreshed.MinPrice);
        Assert.Equal(1, refreshed.OfferCount);

        // The refresh announced itself once (the redelivery refreshed nothing), naming the product.
        var announcements = await SellerCatalogArrange.WithDbAsync(factory, db => db.OutboxMessages
            .Where(m => m.Type.StartsWith("Marketplace.Catalog.Contracts.ProductListingsRefreshed") && m.Payload.Contains(productId.ToString()))
            .CountAsync());
        Assert.Equal(1, announcements);
    }

    [Fact]
    public async Task A_refresh_rewrites_only_the_products_whose_summary_changed()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(factory);
        var productId = await SellerCatalogArrange.SeedSkusAsync(factory, categoryId, $"U{Guid.NewGuid():N}"[..10], 1);
        var skuId = await SellerCatalogArrange.WithDbAsync(factory, db => db.Skus.Where(s => s.ProductId == productId).Select(s => s.Id).SingleAsync());
        var offerId = Guid.NewGuid();
        await SellerCatalogArrange.WithDbAsync(factory, async db =>
        {
            db.Offers.Add(new Catalog.Domain.Offer { Id = offerId, SkuId = skuId, ProductId = productId, SellerId = Guid.NewGuid(), Price = 9.5m, Currency = "EUR", Stock = 3, UpdatedAt = DateTimeOffset.UtcNow, Version = 1 });
            return await db.SaveChangesAsync();
        });
        async Task<int> RefreshAsync() => (await SellerCatalogArrange.WithDbAsync(factory, db => Catalog.Listing.ProductListingSummary.RefreshAsync(db, [productId], DateTimeOffset.UtcNow, CancellationToken.None))).Changed;
        Task<int> SetStockAsync(int stock) => SellerCatalogArrange.WithDbAsync(factory, db => db.Offers.Where(o => o.Id == offerId).ExecuteUpdateAsync(set => set.SetProperty(o => o.Stock, stock)));
        var first = await SellerCatalogArrange.WithDbAsync(factory, db => Catalog.Listing.ProductListingSummary.RefreshAsync(db, [productId], DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal([productId], first.NewlyListed);

        // A unit sold of three changes no summary: the row is left alone. The last unit sold, and one restocked, each do.
        await SetStockAsync(2);
        Assert.Equal(0, await RefreshAsync());
        await SetStockAsync(0);
        Assert.Equal(1, await RefreshAsync());
        Assert.False(await SellerCatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == productId).Select(p => p.InStock).SingleAsync()));
        Assert.Equal(0, await RefreshAsync());
        await SetStockAsync(5);
        var restocked = await SellerCatalogArrange.WithDbAsync(factory, db => Catalog.Listing.ProductListingSummary.RefreshAsync(db, [productId], DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(1, restocked.Changed);
        Assert.Empty(restocked.NewlyListed);
        var product = await SellerCatalogArrange.WithDbAsync(factory, db => db.Products.AsNoTracking().SingleAsync(p => p.Id == productId));
        Assert.True(product.InStock);
        Assert.Equal(9.5m, product.MinPrice);
        Assert.Equal("EUR", product.Currency);
        Assert.Equal(1, product.OfferCount);
    }
}
