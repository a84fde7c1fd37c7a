using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Payments.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimePaymentsDbContextFactory : IDesignTimeDbContextFactory<PaymentsDbContext>
{
    public PaymentsDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<PaymentsDbContext>(PaymentsModule.Name));
}
