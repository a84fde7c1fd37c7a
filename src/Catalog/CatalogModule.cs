using FluentValidation;
using Marketplace.Catalog.Bulk;
using Marketplace.Catalog.Caching;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Listing;
using Marketplace.Catalog.Offers;
using Marketplace.Catalog.Offers.Lookup;
using Marketplace.Catalog.Offers.Reservations;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.ProductDetail;
using Marketplace.Catalog.Products;
using Marketplace.Catalog.Search;
using Marketplace.Catalog.Seeding;
using Marketplace.Catalog.Sellers;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Messaging;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog;

/// <summary>The Catalog context: categories, brands, products, SKUs, seller offers, cross-links, reviews, ranking and search.</summary>
public static partial class CatalogModule
{
    public const string Name = "Catalog";

    public static WebApplicationBuilder AddCatalogModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CatalogOptions>()
            .Bind(builder.Configuration.GetSection(Name))
            // Scores are counted in half-lives (the flush and the seed divide by it).
            .Validate(o => o.PopularityHalfLife > TimeSpan.Zero, $"{Name}:PopularityHalfLife must be above zero.")
            .ValidateOnStart();
        var database = services.AddModuleDatabase<CatalogDbContext>(builder.Configuration, Name);
        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<CatalogDbContext>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.Messaging().AddConsumers(bus =>
        {
            bus.AddConsumer<SellerRegisteredConsumer>();
            bus.AddConsumer<SellerPerformanceConsumer>();
        });
        services.AddDemoCatalogSeeding();
        AddStorefrontReads(builder, database);
        AddSellerWrites(services);
        services.AddRateLimitPolicy(builder.Configuration, SellerApi.BulkPolicy, 30, SellerApi.BulkPartition, "Api:BulkRequestsPerMinute");
        services.AddSingleton<OfferSnapshotCache>();
        services.AddScoped<IOfferLookup, OfferLookup>();
        AddStockReservations(services);
        return builder;
    }

    /// <summary>Catalog's routes, one map per audience: the storefront's, the sellers' and the staff's.</summary>
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapStorefrontApi();
        api.MapSellerApi();
        api.MapAdminApi();
        return app;
    }

    /// <summary>Browse and search, the product page and its caches, and the popularity that ranks listings.</summary>
    private static void AddStorefrontReads(WebApplicationBuilder builder, DatabaseProfile database)
    {
        var services = builder.Services;
        if (database.Provider == DatabaseProvider.Postgres && AddElasticsearchSearch(builder))
        {
            // Elasticsearch answers, PostgreSQL stands in (registered with it).
        }
        else if (database.Provider == DatabaseProvider.Postgres)
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
        services.AddSingleton<ListingLiveState>();
        services.AddSingleton<Categories.CategoryDirectory>();
        services.AddSingleton<BrowseFacets>();
        services.AddSingleton<TypoCorrections>();
        services.Messaging().AddReplicaConsumers(bus => bus.AddConsumer<ProductDetailEviction>()
            .Endpoint(endpoint =>
            {
                // Every replica caches its own copies, so every replica needs every change: a queue per instance, deleted when it stops.
                endpoint.Temporary = true;
                endpoint.InstanceId = HostInstance.Id;
            }));

        services.AddSingleton<PopularityBuffer>();
        services.AddSingleton<ProductViews>();
        services.AddHostedService<PopularityFlusher>();
        services.Messaging().AddConsumers(bus => bus.AddConsumer<OrderPopularityConsumer>());
        var redis = builder.Configuration.GetConnectionString("Redis");
        services.AddSingleton(new ComponentAdapter("popularity", string.IsNullOrWhiteSpace(redis) ? "in-process buffer" : "redis hash, one flushing replica"));
    }

    /// <summary>What sellers' writes need: product editing and sanitizing, offer writing, bulk runs, and the listing they keep current.</summary>
    private static void AddSellerWrites(IServiceCollection services)
    {
        services.AddSingleton<DescriptionSanitizer>();
        services.AddScoped<CatalogReferences>();
        services.AddScoped<ProductEditor>();
        services.AddScoped<OfferWriter>();
        services.AddSingleton<BulkRuns>();
        services.Messaging().AddConsumers(bus =>
        {
            bus.AddConsumer<OfferChangedListingConsumer>(typeof(OfferChangedListingConsumerDefinition));
            bus.AddConsumer<OffersChangedListingConsumer>();
        });
    }

    /// <summary>Checkout's hold on stock: the reservations contract, and the sweeper that releases what expired.</summary>
    private static void AddStockReservations(IServiceCollection services)
    {
        services.AddOptions<ReservationOptions>()
            .BindConfiguration(ReservationOptions.Section)
            .Validate(o => o.MaxLines > 0, $"{ReservationOptions.Section}:MaxLines must be above 0.")
            .Validate(o => o.SweepInterval > TimeSpan.Zero, $"{ReservationOptions.Section}:SweepInterval must be above zero.")
            .Validate(o => o.SweepBatchSize > 0, $"{ReservationOptions.Section}:SweepBatchSize must be above 0.")
            .Validate(o => o.DeadlockRetries >= 0, $"{ReservationOptions.Section}:DeadlockRetries must be 0 or more.")
            .ValidateOnStart();
        services.AddScoped<StockReservations>();
        services.AddScoped<IStockReservations>(sp => sp.GetRequiredService<StockReservations>());
        services.AddSharedWork<ReservationSweeper>();
    }
}
