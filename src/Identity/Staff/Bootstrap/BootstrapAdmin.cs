using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Identity.Staff.Bootstrap;

/// <summary>
/// Creates the admin named by <c>Identity:BootstrapAdmin:Email</c> and <c>:Password</c> when no account has that
/// email, so that a fresh deployment has someone who can grant roles. It only ever creates: emails are not verified,
/// so an existing account with that email may belong to anyone who registered it first, and promoting it would hand
/// them the shop. Safe to repeat and to run on several replicas at once.
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
        var normalized = UserAccount.Normalize(email);

        // Every start of every replica after the first finds the account: it need not hash the password (a deliberately
        // dear computation) nor fail an insert, which the database and EF log as an error each time.
        var exists = await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        var created = exists ? null : await NewAccounts.TryOpenAsync(db, passwords, email, password, clock.GetUtcNow(), [MarketplaceClaims.Roles.Admin], cancellationToken);
        if (created is not null)
        {
            logger.LogInformation("Created the bootstrap admin {Email}", created.Email);
            return;
        }

        var isAdmin = await db.StaffRoles.AnyAsync(
            r => r.Role == MarketplaceClaims.Roles.Admin && db.Users.Any(u => u.Id == r.UserId && u.NormalizedEmail == normalized), cancellationToken);
        if (!isAdmin)
        {
            logger.LogWarning(
                "The bootstrap admin email {Email} belongs to an existing account that is not an admin; it was left as it is. " +
                "Configure an unregistered email, or have an admin grant the role", email);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
