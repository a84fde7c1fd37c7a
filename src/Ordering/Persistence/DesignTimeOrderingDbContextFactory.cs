using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Ordering.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeOrderingDbContextFactory : IDesignTimeDbContextFactory<OrderingDbContext>
{
    public OrderingDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<OrderingDbContext>(OrderingModule.Name));
}
