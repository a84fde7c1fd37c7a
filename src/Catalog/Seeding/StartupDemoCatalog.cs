using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Catalog.Seeding;

/// <summary>
/// Gives a demo run a small catalog to browse: when the catalog is empty at start-up, seeds <c>Seed:Skus</c> SKUs
/// (default 2,000, about a second). Registered after the database initializer, so the schema exists. Runs only when
/// <see cref="DemoMode"/> is on (Development or <c>--demo</c>); a deployment's catalog comes from sellers or from the
/// explicit <c>seed</c> command.
/// </summary>
internal sealed class StartupDemoCatalog(
    IServiceProvider services,
    IConfiguration configuration,
    ILogger<StartupDemoCatalog> logger) : IHostedService
{
    public const int DefaultSkus = 2_000;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!DemoMode.IsEnabled(configuration))
        {
            return;
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            if (await db.Products.AnyAsync(cancellationToken) || await db.Categories.AnyAsync(cancellationToken) || await db.Brands.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var options = new SeedOptions
        {
            Skus = configuration.GetValue("Seed:Skus", DefaultSkus),
            Sellers = configuration.GetValue<int?>("Seed:Sellers"),
            Seed = configuration.GetValue("Seed:Seed", 42),
        };
        var result = await CatalogModule.SeedAsync(services, options, progress: null, cancellationToken);
        logger.LogInformation(
            "Demo catalog seeded in {Elapsed:F1} s: {Products} products, {Skus} SKUs, {Offers} offers from {Sellers} sellers, {Reviews} reviews, {Categories} categories (seed {Seed})",
            result.Elapsed.TotalSeconds, result.Products, result.Skus, result.Offers, result.Sellers, result.Reviews, result.Categories, options.Seed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class SeedingRegistration
{
    public static IServiceCollection AddDemoCatalogSeeding(this IServiceCollection services) =>
        services.AddHostedService<StartupDemoCatalog>();
}
