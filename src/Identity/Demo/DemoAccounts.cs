using Marketplace.Identity.Accounts;
using Marketplace.Identity.Persistence;
using Marketplace.Identity.Sellers.Create;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Identity.Demo;

/// <summary>
/// Gives a demo run accounts to try the API with: staff, a customer, and sellers with an owner each, all with the
/// published password <see cref="Password"/>. Runs only when <see cref="DemoMode"/> is on (Development or
/// <c>--demo</c>) and the database has no account yet; the database engine plays no part, because a production
/// image on SQLite must not hand out a known admin password.
/// </summary>
internal sealed class DemoAccounts(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    Passwords passwords,
    TimeProvider clock,
    ILogger<DemoAccounts> logger) : IHostedService
{
    /// <summary>Every demo account's password; documented in the start-up log.</summary>
    public const string Password = "Demo-pass-1";

    private const string AdminEmail = "admin@demo.local";

    private static readonly (int Number, string Name, string LegalName, string Country, string OwnerEmail)[] Sellers =
    [
        (1, "Northwind Traders", "Northwind Traders GmbH", "DE", "owner1@demo.local"),
        (2, "Contoso Outdoor", "Contoso Outdoor Ltd", "GB", "owner2@demo.local"),
        (3, "Fabrikam Home", "Fabrikam Home SAS", "FR", "owner3@demo.local"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!DemoMode.IsEnabled(configuration))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        if (await db.Users.AnyAsync(cancellationToken))
        {
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == UserAccount.Normalize(AdminEmail), cancellationToken))
            {
                LogCredentials("Demo accounts present");
            }

            return;
        }

        var now = clock.GetUtcNow();
        await OpenAsync(db, AdminEmail, [MarketplaceClaims.Roles.Admin], now, cancellationToken);
        await OpenAsync(db, "marketing@demo.local", [MarketplaceClaims.Roles.Marketing], now, cancellationToken);
        await OpenAsync(db, "customer@demo.local", [], now, cancellationToken);
        foreach (var seller in Sellers)
        {
            var owner = await OpenAsync(db, seller.OwnerEmail, [], now, cancellationToken);
            CreateSeller.Register(db, DemoIds.Seller(seller.Number), seller.Name, seller.LegalName, seller.Country, owner.Id, now, clock);
        }

        await db.SaveChangesAsync(cancellationToken);
        LogCredentials("Demo accounts created");
    }

    private void LogCredentials(string what) =>
        logger.LogInformation(
            "{What}, each with password {Password}: {Admin} (admin), marketing@demo.local (marketing), " +
            "customer@demo.local (customer), {Owners} (owners of sellers {Sellers})",
            what,
            Password,
            AdminEmail,
            string.Join(", ", Sellers.Select(s => s.OwnerEmail)),
            string.Join(", ", Sellers.Select(s => $"{s.Name} {DemoIds.Seller(s.Number)}")));

    private async Task<UserAccount> OpenAsync(IdentityDbContext db, string email, string[] roles, DateTimeOffset now, CancellationToken cancellationToken) =>
        await NewAccounts.TryOpenAsync(db, passwords, email, Password, now, roles, cancellationToken)
        ?? throw new InvalidOperationException($"Demo account {email} exists in a database that looked empty.");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
