using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore.Design;

namespace Marketplace.Notifications.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the host.</summary>
internal sealed class DesignTimeNotificationsDbContextFactory : IDesignTimeDbContextFactory<NotificationsDbContext>
{
    public NotificationsDbContext CreateDbContext(string[] args) => new(DatabaseProfile.DesignTimeOptions<NotificationsDbContext>(NotificationsModule.Name));
}
