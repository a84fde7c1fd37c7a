using FluentValidation;
using Marketplace.Catalog.Brands;
using Marketplace.Catalog.Categories;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog;

/// <summary>The Catalog context: categories, brands, products, SKUs, seller offers, cross-links, reviews, ranking and search.</summary>
public static class CatalogModule
{
    public const string Name = "Catalog";

    public static WebApplicationBuilder AddCatalogModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<CatalogOptions>(builder.Configuration.GetSection(Name));
        services.AddModuleDatabase<CatalogDbContext>(builder.Configuration, Name);
        services.AddValidatorsFromAssemblyContaining<CatalogDbContext>(includeInternalTypes: true);
        services.AddSellerCatalog();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapCategories();
        api.MapBrands();
        api.MapSellerCatalog();
        return app;
    }
}
