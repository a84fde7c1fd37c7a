using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests;

public sealed class MigrationTests
{
    [Fact]
    public void The_postgresql_migrations_match_the_catalog_model()
    {
        using var db = new CatalogDbContext(DatabaseProfile.DesignTimeOptions<CatalogDbContext>(CatalogModule.Name));
        Assert.False(db.Database.HasPendingModelChanges(), "The Catalog model changed without a migration: run dotnet ef migrations add.");
    }
}
