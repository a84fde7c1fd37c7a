using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Catalog.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=design_time" })
            .Build();
        var options = new DbContextOptionsBuilder<CatalogDbContext>();
        DatabaseProfile.Resolve(configuration, "Catalog").Apply(options, typeof(CatalogDbContext).Assembly.GetName().Name!);
        return new CatalogDbContext(options.Options);
    }
}
