namespace Marketplace.Identity.Tokens.SignInProtection;

/// <summary>
/// Failed sign-ins of one email from one client network, and how often that pair has been locked out. Stored in
/// the database so that every replica counts the same failures. Keyed by a hash, so the table holds no emails.
/// </summary>
internal sealed class SignInLockout
{
    /// <summary>SHA-256 of the normalized email and the client network.</summary>
    public byte[] KeyHash { get; init; } = [];

    /// <summary>Failures since the last lockout (or since the first failure).</summary>
    public int Failures { get; init; }

    /// <summary>Lockouts so far; each one lasts twice as long as the one before.</summary>
    public int Lockouts { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    public DateTimeOffset LastFailureAt { get; init; }
}

/// <summary>Brute-force limits of sign-in; bound from <c>Identity:SignIn</c>.</summary>
internal sealed class SignInProtectionOptions
{
    /// <summary>Sign-in attempts per minute for one email from one client network (IPv4 address or IPv6 /64), per replica.</summary>
    public int AttemptsPerMinute { get; set; } = 10;

    /// <summary>Consecutive failures of one email from one network that lock that pair out.</summary>
    public int FailuresBeforeLockout { get; set; } = 5;

    /// <summary>The first lockout; each further one doubles, up to <see cref="MaxLockout"/>.</summary>
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A pair with no failure for this long starts again from nothing.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromDays(1);
}
