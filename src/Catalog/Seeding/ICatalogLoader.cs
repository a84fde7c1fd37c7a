namespace Marketplace.Catalog.Seeding;

/// <summary>Writes a generated catalog into one database engine as fast as that engine allows.</summary>
internal interface ICatalogLoader
{
    Task<SeedResult> LoadAsync(DemoCatalog catalog, IProgress<SeedProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>The seed only loads into an empty catalog: mixing demo rows into real ones would corrupt both.</summary>
public sealed class CatalogNotEmptyException()
    : InvalidOperationException("The catalog already has categories, brands or products; seed an empty database.");
