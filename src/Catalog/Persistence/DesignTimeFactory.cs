using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Catalog.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<CatalogDbContext>(CatalogModule.Name));
}
