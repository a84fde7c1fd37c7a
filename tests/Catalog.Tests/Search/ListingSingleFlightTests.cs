using System.Net;
using Marketplace.Catalog.Search;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>Counts the searches that reach the engine, and makes each take long enough for requests to overlap.</summary>
internal sealed class CountingSearch(IProductSearch inner, SearchCounter counter) : IProductSearch
{
    public async Task<SearchResult> SearchAsync(ResolvedQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref counter.Searches);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        return await inner.SearchAsync(query, cancellationToken);
    }
}

internal sealed class SearchCounter
{
    public int Searches;
}

/// <summary>The real host with the listing cache on and the search port counted.</summary>
public class CountedSearchHost : MarketplaceFactory
{
    public CountedSearchHost() => Settings["Catalog:ListingCacheTtl"] = "00:10:00";

    internal SearchCounter Counter { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var engine = services.Single(d => d.ServiceType == typeof(IProductSearch));
            services.Remove(engine);
            services.AddSingleton(Counter);
            services.AddScoped<IProductSearch>(sp => new CountingSearch(
                (IProductSearch)ActivatorUtilities.CreateInstance(sp, engine.ImplementationType!), sp.GetRequiredService<SearchCounter>()));
        });
    }
}

public sealed class ListingSingleFlightTests(CountedSearchHost factory) : IClassFixture<CountedSearchHost>
{
    [Fact]
    public async Task Concurrent_requests_for_one_uncached_listing_page_share_a_single_search()
    {
        var category = await CatalogArrange.CategoryAsync(factory);
        await CatalogArrange.ProductAsync(factory, category, "Shared lamp");
        var client = factory.CreateClient();
        var before = factory.Counter.Searches;

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync($"/api/v1/products?category={category.Id}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(1, factory.Counter.Searches - before);
    }
}
