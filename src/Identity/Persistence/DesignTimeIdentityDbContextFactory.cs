using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Identity.Persistence;

/// <summary>
/// Lets <c>dotnet ef</c> build the PostgreSQL model without starting the host. Migrations are generated
/// offline, so the connection string only has to name the engine.
/// </summary>
internal sealed class DesignTimeIdentityDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Identity"] = "Host=127.0.0.1;Database=marketplace_design;Username=marketplace;Password=marketplace",
            })
            .Build();
        var options = new DbContextOptionsBuilder<IdentityDbContext>();
        DatabaseProfile.Resolve(configuration, IdentityModule.Module).Apply(options, typeof(IdentityDbContext).Assembly.GetName().Name!);
        return new IdentityDbContext(options.Options);
    }
}
