namespace Marketplace.Identity.Accounts;

/// <summary>A person who signs in with email and password: every customer, seller member and staff member is one.</summary>
internal sealed class UserAccount
{
    public Guid Id { get; init; }

    public string Email { get; init; } = "";

    /// <summary>The key of uniqueness: two spellings of one address must not make two accounts.</summary>
    public string NormalizedEmail { get; init; } = "";

    public string PasswordHash { get; set; } = "";

    public DateTimeOffset RegisteredAt { get; init; }

    public List<StaffRole> StaffRoles { get; init; } = [];

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}

/// <summary>A staff role granted to an account (admin, marketing); every account is a customer without one.</summary>
internal sealed class StaffRole
{
    public Guid UserId { get; init; }

    public string Role { get; init; } = "";

    public DateTimeOffset GrantedAt { get; init; }
}
