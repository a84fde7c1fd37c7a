using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Identity.Staff.Bootstrap;

/// <summary>
/// Makes sure the admin named by <c>Identity:BootstrapAdmin:Email</c> and <c>:Password</c> exists, so that a
/// fresh deployment has someone who can grant roles. Runs after the database is prepared; safe to repeat and
/// to run on several replicas at once.
/// </summary>
internal sealed class BootstrapAdmin(IServiceScopeFactory scopes, IConfiguration configuration, Passwords passwords, TimeProvider clock, ILogger<BootstrapAdmin> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var email = configuration["Identity:BootstrapAdmin:Email"];
        var password = configuration["Identity:BootstrapAdmin:Password"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = clock.GetUtcNow();
        var created = await NewAccounts.TryOpenAsync(db, passwords, email, password, now, [MarketplaceClaims.Roles.Admin], cancellationToken);
        if (created is not null)
        {
            logger.LogInformation("Created the bootstrap admin {Email}", created.Email);
            return;
        }

        // The account exists (from an earlier start or another replica): make sure it still is an admin.
        var normalized = UserAccount.Normalize(email);
        var userId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleAsync(cancellationToken);
        db.StaffRoles.Add(new StaffRole { UserId = userId, Role = MarketplaceClaims.Roles.Admin, GrantedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Granted admin to the existing bootstrap account {Email}", email);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
