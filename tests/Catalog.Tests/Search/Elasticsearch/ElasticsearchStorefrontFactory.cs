using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Search.Elasticsearch;

/// <summary>
/// The production-profile host with search on Elasticsearch (the <see cref="ElasticsearchDouble"/>, or a real server
/// when <see cref="ServerUrl"/> is given), the storefront catalog arranged in PostgreSQL, and the index built by
/// <c>reindex</c>, as an operator would on a first deployment.
/// </summary>
public class ElasticsearchStorefrontFactory : MarketplaceFactory
{
    public ElasticsearchStorefrontFactory() => this.ForOfferArrange();

    /// <summary>A real server's address instead of the double.</summary>
    protected virtual string? ServerUrl => null;

    public ElasticsearchDouble Elasticsearch { get; private set; } = null!;

    public StorefrontCatalog Catalog { get; } = new();

    /// <summary>An alias of this factory's own, so runs against a shared real server do not meet.</summary>
    public string Alias { get; } = $"mkt-test-{Guid.NewGuid():N}"[..20];

    public override async Task InitializeAsync()
    {
        Elasticsearch = await ElasticsearchDouble.StartNewAsync();
        Settings["Search:Elasticsearch:Url"] = ServerUrl ?? Elasticsearch.Address;
        Settings["Search:Elasticsearch:Alias"] = Alias;
        Settings["Search:Elasticsearch:RequestTimeout"] = "00:00:05";
        Settings["Search:Elasticsearch:BulkRetryDelay"] = "00:00:00.010";
        Settings["Catalog:PopularityFlushInterval"] = "00:00:00.300";
        await base.InitializeAsync();
        await Catalog.ArrangeAsync(this);
        await CatalogModule.ReindexSearchAsync(Services);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Elasticsearch is not null)
        {
            await Elasticsearch.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
