namespace Marketplace.Catalog.Tests.Search.Elasticsearch;

/// <summary>The Elasticsearch host with listing pages cached, as in production.</summary>
public sealed class CachedElasticsearchStorefrontFactory : ElasticsearchStorefrontFactory
{
    public CachedElasticsearchStorefrontFactory() => Settings["Catalog:ListingCacheTtl"] = "00:05:00";
}

public sealed class ElasticsearchFallbackCacheTests(CachedElasticsearchStorefrontFactory factory) : IClassFixture<CachedElasticsearchStorefrontFactory>
{
    [Fact]
    public async Task A_page_the_database_answered_in_a_fallback_is_not_cached_while_a_normal_page_is()
    {
        var query = $"category={factory.Catalog.Electronics}&sort=price_asc";
        factory.Elasticsearch.FailEverythingWith = 503;
        try
        {
            Assert.NotNull((await factory.CreateClient().ListAsync(query)).SearchFallback);
        }
        finally
        {
            factory.Elasticsearch.FailEverythingWith = null;
        }

        var searches = factory.Elasticsearch.Searches;
        Assert.Null((await factory.CreateClient().ListAsync(query)).SearchFallback);
        Assert.True(factory.Elasticsearch.Searches > searches, "The fallback page was served from the cache.");

        // The page Elasticsearch answered is cached: the next read does not search.
        searches = factory.Elasticsearch.Searches;
        Assert.Null((await factory.CreateClient().ListAsync(query)).SearchFallback);
        Assert.Equal(searches, factory.Elasticsearch.Searches);
    }
}
