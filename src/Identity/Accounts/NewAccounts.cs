using Marketplace.Identity.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Identity.Accounts;

internal static class NewAccounts
{
    /// <summary>
    /// Creates an account, or returns null when the email is taken. The unique index on the normalized email
    /// decides, so two concurrent registrations of one address cannot both succeed.
    /// </summary>
    public static async Task<UserAccount?> TryOpenAsync(
        IdentityDbContext db, Passwords passwords, string email, string password, DateTimeOffset now, IReadOnlyCollection<string> staffRoles, CancellationToken cancellationToken)
    {
        var account = new UserAccount
        {
            Id = Guid.CreateVersion7(now),
            Email = email.Trim(),
            NormalizedEmail = UserAccount.Normalize(email),
            RegisteredAt = now,
        };
        account.PasswordHash = passwords.Hash(account, password);
        account.StaffRoles.AddRange(staffRoles.Select(role => new StaffRole { UserId = account.Id, Role = role, GrantedAt = now }));
        db.Users.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return account;
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return null;
        }
    }
}
