using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Search.Elasticsearch;

/// <summary>The adapter against a real Elasticsearch 9 (its mapping, queries and aggregations as the server reads them), when one is given.</summary>
public sealed class RealElasticsearchTests
{
    [RequiresServerFact("ELASTICSEARCH_URL")]
    public async Task A_real_server_takes_the_mapping_and_answers_filters_facets_paging_and_typos()
    {
        await using var factory = new RealServerFactory();
        await ((IAsyncLifetime)factory).InitializeAsync();
        try
        {
            var client = factory.CreateClient();
            var page = await client.ListAsync($"category={factory.Catalog.Phones}&brand={factory.Catalog.Samsung}");
            Assert.Null(page.SearchFallback);
            Assert.Equal([factory.Catalog.Galaxy], page.Items.Select(i => i.Id));
            Assert.Equal(3, page.Facets!.Brands.Count);
            Assert.Equal(StorefrontCatalog.PagingCount, (await client.WalkAsync($"category={factory.Catalog.Paging}&sort=newest&limit=4")).Count);
            var typo = await client.ListAsync("q=iphnoe");
            Assert.Equal(factory.Catalog.IPhone, typo.Items[0].Id);
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    private sealed class RealServerFactory : ElasticsearchStorefrontFactory
    {
        protected override string? ServerUrl => Environment.GetEnvironmentVariable("ELASTICSEARCH_URL");
    }
}
