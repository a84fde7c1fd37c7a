using FluentValidation;
using Marketplace.Catalog.Brands;
using Marketplace.Catalog.Categories;
using Marketplace.Catalog.Compare;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Links;
using Marketplace.Catalog.Offers.Lookup;
using Marketplace.Catalog.Reviews;
using Marketplace.Catalog.Sellers;
using Marketplace.Platform.Messaging;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Seeding;
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
        services.Configure<CatalogOptions>(builder.Configuration.GetSection(Name));
        var database = services.AddModuleDatabase<CatalogDbContext>(builder.Configuration, Name);
        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<CatalogDbContext>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.Messaging().AddConsumers(bus => bus.AddConsumer<SellerRegisteredConsumer>());
        services.AddDemoCatalogSeeding();
        builder.AddCatalogStorefront(database);
        services.AddSellerCatalog();
        services.AddSingleton<OfferSnapshotCache>();
        services.AddScoped<IOfferLookup, OfferLookup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapCategories();
        api.MapBrands();
        api.MapReviews();
        api.MapLinks();
        api.MapCompare();
        api.MapStorefront();
        api.MapSellerCatalog();
        return app;
    }
}
