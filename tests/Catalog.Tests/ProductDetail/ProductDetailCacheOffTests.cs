using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.ProductDetail;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.ProductDetail;

/// <summary>The storefront with the product-detail cache turned off, as every other cache is, by a time to live of zero.</summary>
public sealed class UncachedProductDetailFactory : MarketplaceFactory
{
    public UncachedProductDetailFactory() => Settings["Catalog:ProductDetailCacheTtl"] = "00:00:00";
}

public sealed class ProductDetailCacheOffTests(UncachedProductDetailFactory factory) : IClassFixture<UncachedProductDetailFactory>
{
    [Fact]
    public async Task A_zero_product_detail_time_to_live_turns_the_cache_off_instead_of_failing_every_product_page()
    {
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Uncached lamp");
        var client = factory.CreateClient();

        var first = await client.GetAsync($"/api/v1/products/{product.Id}");
        var second = await client.GetFromJsonAsync<ProductDetailResponse>($"/api/v1/products/{product.Id}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("Uncached lamp", second!.Title);
    }
}
