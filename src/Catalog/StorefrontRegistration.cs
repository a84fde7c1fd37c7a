using Marketplace.Catalog.Caching;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.ProductDetail;
using Marketplace.Catalog.Search;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog;

/// <summary>The storefront's read side of the Catalog: browse and search, product detail, popularity.</summary>
internal static class StorefrontRegistration
{
    public static WebApplicationBuilder AddCatalogStorefront(this WebApplicationBuilder builder, DatabaseProfile database)
    {
        var services = builder.Services;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            services.AddScoped<IProductSearch, PostgresProductSearch>();
            services.AddSingleton(new ComponentAdapter("search", PostgresProductSearch.Description));
        }
        else
        {
            services.AddScoped<IProductSearch, SqliteProductSearch>();
            services.AddSingleton<IDatabaseSetup<CatalogDbContext>, SqliteSearchSetup>();
            services.AddSingleton(new ComponentAdapter("search", SqliteProductSearch.Description));
        }

        services.AddSingleton<RenderedResponses>();
        services.AddSingleton<ProductDetailCache>();
        services.AddSingleton<ListingCache>();
        var instance = $"{Environment.MachineName}-{Guid.NewGuid():N}".ToLowerInvariant();
        services.Messaging().AddConsumers(bus => bus.AddConsumer<ProductDetailEviction>()
            .Endpoint(endpoint =>
            {
                // Every replica caches its own copies, so every replica needs every change: a queue per instance, deleted when it stops.
                endpoint.Temporary = true;
                endpoint.InstanceId = instance;
            }));

        services.AddSingleton<PopularityBuffer>();
        services.AddSingleton<ProductViews>();
        services.AddHostedService<PopularityFlusher>();
        var redis = builder.Configuration.GetConnectionString("Redis");
        services.AddSingleton(new ComponentAdapter("popularity", string.IsNullOrWhiteSpace(redis) ? "in-process buffer" : "redis hash, one flushing replica"));
        return builder;
    }

    public static RouteGroupBuilder MapStorefront(this RouteGroupBuilder api) => api.MapBrowse().MapProductDetail();

}
