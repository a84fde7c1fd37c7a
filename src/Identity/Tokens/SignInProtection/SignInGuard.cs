using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Marketplace.Identity.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Identity.Tokens.SignInProtection;

/// <summary>
/// Limits password guessing per email and client network, never per network alone: behind one proxy or NAT many
/// people share an address, and a limit on the address would let one of them lock out all the others.
/// <para>
/// Lockout is keyed on the email and the network together, not on the email alone. Keyed on the email alone, anyone
/// could lock a person out of their account from anywhere; keyed on the pair, a guesser locks out only itself,
/// and the owner still signs in from their own network. A guesser with many networks gets a few tries from each,
/// and every lockout is logged and counted (<c>marketplace.identity.lockouts</c>), which is what alerts watch.
/// </para>
/// </summary>
internal sealed class SignInGuard : IDisposable
{
    private readonly SignInProtectionOptions _options;
    private readonly PartitionedRateLimiter<string> _attempts;
    private readonly IdentityMetrics _metrics;
    private readonly ILogger<SignInGuard> _logger;

    public SignInGuard(IOptions<SignInProtectionOptions> options, IdentityMetrics metrics, ILogger<SignInGuard> logger)
    {
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        var attemptsPerMinute = _options.AttemptsPerMinute;
        _attempts = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = attemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>The key of one email from one client network; hashed, so neither is kept in memory or the database.</summary>
    public static byte[] KeyOf(string normalizedEmail, string clientNetwork) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{normalizedEmail}\n{clientNetwork}"));

    /// <summary>Takes one attempt of the pair's allowance; when none is left, says how long to wait.</summary>
    public bool TryAttempt(byte[] key, out TimeSpan retryAfter)
    {
        using var lease = _attempts.AttemptAcquire(Convert.ToHexString(key));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        if (!lease.IsAcquired)
        {
            _metrics.SignInFailed("rate_limited");
        }

        return lease.IsAcquired;
    }

    /// <summary>When the pair's lockout ends, if it is locked out now.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(IdentityDbContext db, byte[] key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = await db.SignInLockouts.Where(l => l.KeyHash == key).Select(l => l.LockedUntil).SingleOrDefaultAsync(cancellationToken);
        if (until > now)
        {
            _metrics.SignInFailed("locked_out");
            return until;
        }

        return null;
    }

    /// <summary>Counts a failure; the failure that reaches the threshold locks the pair out, for longer each time.</summary>
    public async Task RecordFailureAsync(IdentityDbContext db, byte[] key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _metrics.SignInFailed("bad_credentials");
        var forgetBefore = now - _options.ForgetAfter;
        await db.SignInLockouts
            .Where(l => l.KeyHash == key && l.LastFailureAt < forgetBefore && (l.LockedUntil == null || l.LockedUntil <= now))
            .ExecuteDeleteAsync(cancellationToken);

        // Increments in the database, so concurrent failures on several replicas all count.
        var counted = await db.SignInLockouts.Where(l => l.KeyHash == key)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, l => l.Failures + 1).SetProperty(l => l.LastFailureAt, now), cancellationToken);
        if (counted == 0 && !await TryInsertFirstFailureAsync(db, key, now, cancellationToken))
        {
            await db.SignInLockouts.Where(l => l.KeyHash == key)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, l => l.Failures + 1).SetProperty(l => l.LastFailureAt, now), cancellationToken);
        }

        var state = await db.SignInLockouts.AsNoTracking().Where(l => l.KeyHash == key).Select(l => new { l.Failures, l.Lockouts }).SingleOrDefaultAsync(cancellationToken);
        if (state is null || state.Failures < _options.FailuresBeforeLockout)
        {
            return;
        }

        var lockout = LockoutAfter(state.Lockouts);
        var until = now + lockout;

        // Conditional on the lockout count read above, so that concurrent failures lock out (and report) once.
        var locked = await db.SignInLockouts
            .Where(l => l.KeyHash == key && l.Lockouts == state.Lockouts && l.Failures >= _options.FailuresBeforeLockout)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, 0).SetProperty(l => l.Lockouts, state.Lockouts + 1).SetProperty(l => l.LockedUntil, until), cancellationToken);
        if (locked == 1)
        {
            _metrics.LockedOut();
            _logger.LogWarning(
                "Sign-in locked out for {Lockout} after {Failures} failures of one email from one network (lockout {Number} of key {Key})",
                lockout, state.Failures, state.Lockouts + 1, Convert.ToHexString(key)[..12]);
        }
    }

    /// <summary>A successful sign-in forgets the pair's failures and lockouts.</summary>
    public static Task ForgetAsync(IdentityDbContext db, byte[] key, CancellationToken cancellationToken) =>
        db.SignInLockouts.Where(l => l.KeyHash == key).ExecuteDeleteAsync(cancellationToken);

    public void Dispose() => _attempts.Dispose();

    private TimeSpan LockoutAfter(int earlierLockouts)
    {
        var doubled = _options.FirstLockout.Ticks * Math.Pow(2, Math.Min(earlierLockouts, 30));
        return doubled >= _options.MaxLockout.Ticks ? _options.MaxLockout : TimeSpan.FromTicks((long)doubled);
    }

    private static async Task<bool> TryInsertFirstFailureAsync(IdentityDbContext db, byte[] key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.SignInLockouts.Add(new SignInLockout { KeyHash = key, Failures = 1, LastFailureAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
