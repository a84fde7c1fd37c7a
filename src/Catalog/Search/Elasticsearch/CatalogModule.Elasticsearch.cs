using Marketplace.Catalog.Search;
using Marketplace.Catalog.Search.Elasticsearch;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog;

public static partial class CatalogModule
{
    /// <summary>
    /// Search on Elasticsearch when <c>Search:Elasticsearch:Url</c> is set (PostgreSQL only, which answers while the
    /// cluster cannot): the adapter, its readiness check, the index sync consumer and what <c>reindex</c> needs.
    /// </summary>
    /// <returns>Whether the adapter was registered.</returns>
    private static bool AddElasticsearchSearch(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(ElasticsearchOptions.Section);
        var settings = section.Get<ElasticsearchOptions>() ?? new ElasticsearchOptions();
        if (!settings.Enabled)
        {
            return false;
        }

        services.AddOptions<ElasticsearchOptions>()
            .Bind(section)
            .Validate(o => Uri.TryCreate(o.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", $"{ElasticsearchOptions.Section}:Url must be an absolute http(s) address.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Alias) && !o.Alias.Any(char.IsUpper), $"{ElasticsearchOptions.Section}:Alias must be a lower-case name.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, $"{ElasticsearchOptions.Section}:RequestTimeout must be above zero.")
            .Validate(o => o.BulkBatchSize is > 0 and <= 10_000, $"{ElasticsearchOptions.Section}:BulkBatchSize must be 1 to 10000.")
            .Validate(o => o.BulkRetryLimit >= 0 && o.BulkRetryDelay >= TimeSpan.Zero, $"{ElasticsearchOptions.Section}:BulkRetryLimit and BulkRetryDelay must not be negative.")
            .Validate(o => o.Shards > 0 && o.Replicas >= 0, $"{ElasticsearchOptions.Section}:Shards must be above 0 and Replicas not negative.")
            .ValidateOnStart();
        services.AddSingleton<SearchIndexStatus>();
        services.AddSingleton<IComponentStatus>(sp => sp.GetRequiredService<SearchIndexStatus>());
        services.AddSingleton<ProductIndex>();
        services.AddScoped<PostgresProductSearch>();
        services.AddScoped<IProductSearch, ElasticsearchProductSearch>();
        services.AddScoped<SearchIndexRebuild>();
        services.AddHealthChecks().AddCheck<ElasticsearchHealthCheck>("search-elasticsearch", tags: ["ready"]);
        services.AddSingleton(new ComponentAdapter("search", ElasticsearchProductSearch.Description(settings)));
        services.Messaging().AddConsumers(bus => bus.AddConsumer<ProductIndexSync>(typeof(BatchedConsumerDefinition<ProductIndexSync>)));
        return true;
    }

    /// <summary>
    /// Rebuilds the Elasticsearch product index from PostgreSQL and moves the alias onto it (see <c>reindex</c>).
    /// Throws <see cref="InvalidOperationException"/> when <c>Search:Elasticsearch:Url</c> is not set or the cluster cannot do it,
    /// and when Elasticsearch rejected any document unless <paramref name="force"/> is set; the alias then stays where it was.
    /// </summary>
    public static async Task<ReindexResult> ReindexSearchAsync(
        IServiceProvider services, IProgress<ReindexProgress>? progress = null, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<IOptions<ElasticsearchOptions>>() is not { Value.Enabled: true })
        {
            throw new InvalidOperationException($"Search runs on the database: set {ElasticsearchOptions.Section}:Url (and use PostgreSQL) to reindex.");
        }

        await using var scope = services.CreateAsyncScope();
        try
        {
            return await scope.ServiceProvider.GetRequiredService<SearchIndexRebuild>().RunAsync(force, progress, cancellationToken);
        }
        catch (SearchIndexUnavailableException exception)
        {
            throw new InvalidOperationException($"Elasticsearch could not do the rebuild: {exception.Message}", exception);
        }
    }
}
