using System.Diagnostics.Metrics;

namespace Marketplace.Identity;

/// <summary>Counters of the Identity module, for dashboards and the alerts that operations add.</summary>
internal sealed class IdentityMetrics
{
    public const string MeterName = "Marketplace.Identity";

    private readonly Counter<long> _signInFailures;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _refreshReuses;

    public IdentityMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _signInFailures = meter.CreateCounter<long>("marketplace.identity.sign_in_failures", description: "Sign-ins refused, by reason: bad_credentials, locked_out, rate_limited");
        _lockouts = meter.CreateCounter<long>("marketplace.identity.lockouts", description: "Sign-in lockouts of an email from a client network");
        _refreshReuses = meter.CreateCounter<long>("marketplace.identity.refresh_reuses", description: "Sessions revoked because a spent refresh token was presented again");
    }

    /// <summary>A refused sign-in: <c>bad_credentials</c>, <c>locked_out</c> or <c>rate_limited</c>.</summary>
    public void SignInFailed(string reason) => _signInFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void LockedOut() => _lockouts.Add(1);

    public void RefreshReused() => _refreshReuses.Add(1);
}
