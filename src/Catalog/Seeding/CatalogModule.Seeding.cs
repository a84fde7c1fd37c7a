using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Seeding;
using Marketplace.Platform.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog;

public static partial class CatalogModule
{
    /// <summary>
    /// Generates a demo marketplace of <see cref="SeedOptions.Skus"/> SKUs and bulk-loads it into the Catalog
    /// database (binary COPY on PostgreSQL, prepared batches on SQLite). The schema must exist (run the host's
    /// <c>migrate</c> first) and the catalog must be empty, else <see cref="CatalogNotEmptyException"/>.
    /// No integration events are written: the listing summary is computed by the generator itself.
    /// </summary>
    public static async Task<SeedResult> SeedAsync(
        IServiceProvider services, SeedOptions options, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var profile = scope.ServiceProvider.GetRequiredKeyedService<DatabaseProfile>(Name);
        var catalogOptions = scope.ServiceProvider.GetRequiredService<IOptions<CatalogOptions>>().Value;
        var catalog = new DemoCatalog(options, catalogOptions.Currency, catalogOptions.PopularityHalfLife);
        ICatalogLoader loader = profile.Provider == DatabaseProvider.Postgres
            ? new PostgresCatalogLoader(db, profile.ConnectionString)
            : new SqliteCatalogLoader(db, profile.ConnectionString);
        return await loader.LoadAsync(catalog, progress, cancellationToken);
    }
}
