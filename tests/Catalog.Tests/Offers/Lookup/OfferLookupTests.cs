using Marketplace.Catalog.Contracts;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Offers.Lookup;

public sealed class OfferLookupTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    private readonly MarketplaceFactory _factory = factory.ForOfferArrange();

    [Fact]
    public async Task The_lookup_returns_each_live_offer_with_its_category_ancestry_and_omits_unknown_ids()
    {
        var offers = await CatalogFlows.OffersAsync(_factory, 3, price: 12.34m, stock: 7, dispatchDays: 4);
        var unknown = Guid.NewGuid();
        using var scope = _factory.Services.CreateScope();
        var lookup = scope.ServiceProvider.GetRequiredService<IOfferLookup>();

        var found = await lookup.FindAsync([.. offers.Select(o => o.OfferId), unknown], CancellationToken.None);

        Assert.Equal(offers.Select(o => o.OfferId).Order(), found.Keys.Order());
        var snapshot = found[offers[0].OfferId];
        Assert.Equal(offers[0].SellerId, snapshot.SellerId);
        Assert.Equal(offers[0].SkuId, snapshot.SkuId);
        Assert.Equal(offers[0].ProductId, snapshot.ProductId);
        Assert.Equal(offers[0].CategoryId, snapshot.CategoryId);
        Assert.Equal(new[] { offers[0].ParentCategoryId }, snapshot.CategoryAncestorIds);
        Assert.Equal(new Marketplace.Platform.Money(12.34m, "EUR"), snapshot.Price);
        Assert.Equal(7, snapshot.Stock);
        Assert.Equal(offers[0].SkuCode, snapshot.SkuCode);
        Assert.True(snapshot.Active);
        Assert.Equal(4, snapshot.DispatchDays);
        Assert.Equal(new SkuDimensions(WeightGrams: 1, LengthMm: 1, WidthMm: 1, HeightMm: 1), snapshot.Dimensions);
    }
}
