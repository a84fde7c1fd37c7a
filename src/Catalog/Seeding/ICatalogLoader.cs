namespace Marketplace.Catalog.Seeding;

/// <summary>Writes a generated catalog into one database engine as fast as that engine allows.</summary>
internal interface ICatalogLoader
{
    Task<SeedResult> LoadAsync(DemoCatalog catalog, IProgress<SeedProgress>? progress, CancellationToken cancellationToken);
}
