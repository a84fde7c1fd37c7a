using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Accounts;

/// <summary>Password rules; bound from <c>Identity:Password</c>.</summary>
internal sealed class PasswordPolicy
{
    public int MinLength { get; set; } = 10;

    /// <summary>Longer input only costs hashing time; nobody types a password this long.</summary>
    public int MaxLength { get; set; } = 256;
}

/// <summary>Hashes and checks account passwords with ASP.NET Core Identity's PBKDF2 format.</summary>
internal sealed class Passwords
{
    private readonly PasswordHasher<UserAccount> _hasher;

    // Verified when the email is unknown, so that a miss costs as much time as a wrong password.
    private readonly string _decoyHash;

    /// <param name="hashing">Bound from <c>Identity:Password:Hashing</c>; tests lower the iteration count, production keeps the default.</param>
    public Passwords(IOptions<PasswordHasherOptions> hashing)
    {
        _hasher = new PasswordHasher<UserAccount>(hashing);
        _decoyHash = _hasher.HashPassword(new UserAccount(), Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
    }

    public string Hash(UserAccount account, string password) => _hasher.HashPassword(account, password);

    /// <summary>Checks the password; re-hashes it in place when the stored hash uses older parameters.</summary>
    public bool Verify(UserAccount? account, string password)
    {
        if (account is null)
        {
            _hasher.VerifyHashedPassword(new UserAccount(), _decoyHash, password);
            return false;
        }

        switch (_hasher.VerifyHashedPassword(account, account.PasswordHash, password))
        {
            case PasswordVerificationResult.Success:
                return true;
            case PasswordVerificationResult.SuccessRehashNeeded:
                account.PasswordHash = Hash(account, password);
                return true;
            default:
                return false;
        }
    }
}
