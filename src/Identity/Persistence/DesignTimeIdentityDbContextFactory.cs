using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Identity.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeIdentityDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<IdentityDbContext>(IdentityModule.Module));
}
