using Marketplace.Identity.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Marketplace.Identity.Tests;

public sealed class MigrationTests
{
    [Fact]
    public void The_postgresql_migrations_match_the_identity_model()
    {
        using var db = new IdentityDbContext(DatabaseProfile.DesignTimeOptions<IdentityDbContext>(IdentityModule.Module));
        Assert.False(db.Database.HasPendingModelChanges(), "The Identity model changed without a migration: run dotnet ef migrations add.");
    }
}
