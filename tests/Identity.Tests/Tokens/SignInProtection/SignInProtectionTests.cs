using System.Net;
using System.Net.Http.Json;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Marketplace.Identity.Tests.Tokens.SignInProtection;

/// <summary>A host that locks out after three failures, trusts one reverse proxy, and lets tests pick the client address.</summary>
public sealed class SignInProtectionHost : MarketplaceFactory
{
    public const int FailuresBeforeLockout = 3;
    public const string TrustedProxy = "192.0.2.10";
    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(10);

    public SignInProtectionHost()
    {
        Settings["Identity:SignIn:FailuresBeforeLockout"] = FailuresBeforeLockout.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Identity:SignIn:FirstLockout"] = FirstLockout.ToString();
        Settings["Identity:SignIn:MaxLockout"] = "1.00:00:00";
        Settings["Api:ForwardedHeaders:KnownProxies:0"] = TrustedProxy;
    }

    public HttpClient ClientFrom(string address) => CreateClient(IPAddress.Parse(address));
}

public sealed class SignInProtectionTests(SignInProtectionHost host) : IClassFixture<SignInProtectionHost>
{
    [Fact]
    public async Task Failed_sign_ins_lock_the_email_out_of_that_network_only_and_are_counted()
    {
        using var identity = RecordedMeasurements.Of(host, "Marketplace.Identity");
        var guesser = host.ClientFrom("198.51.100.20");
        var victim = await IdentityFlows.RegisterCustomerAsync(host.ClientFrom("198.51.100.30"));
        var neighbour = await IdentityFlows.RegisterCustomerAsync(host.ClientFrom("198.51.100.30"));

        await FailAsync(guesser, victim.Email, SignInProtectionHost.FailuresBeforeLockout);
        var locked = await SignInAsync(guesser, victim.Email, victim.Password);

        var problem = await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Sign-in locked", problem.GetProperty("title").GetString());
        var retryAfter = locked.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, SignInProtectionHost.FirstLockout - TimeSpan.FromMinutes(1), SignInProtectionHost.FirstLockout + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(host.ClientFrom("198.51.100.30"), victim.Email, victim.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(guesser, neighbour.Email, neighbour.Password)).StatusCode);
        Assert.Equal(1, identity.Sum("marketplace.identity.lockouts"));
        Assert.Equal(SignInProtectionHost.FailuresBeforeLockout, identity.Sum("marketplace.identity.sign_in_failures", ("reason", "bad_credentials")));
        Assert.Equal(1, identity.Sum("marketplace.identity.sign_in_failures", ("reason", "locked_out")));
    }

    [Fact]
    public async Task An_unknown_email_locks_out_like_a_known_one_so_lockout_reveals_no_account()
    {
        var guesser = host.ClientFrom("198.51.100.21");
        var nobody = $"nobody-{Guid.NewGuid():N}@tests.local";

        await FailAsync(guesser, nobody, SignInProtectionHost.FailuresBeforeLockout);
        var locked = await SignInAsync(guesser, nobody, "Whatever-pass-1");

        var problem = await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Sign-in locked", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Each_further_lockout_lasts_twice_as_long()
    {
        var guesser = host.ClientFrom("198.51.100.22");
        var victim = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var key = Marketplace.Identity.Tokens.SignInProtection.SignInGuard.KeyOf(victim.Email.ToUpperInvariant(), "198.51.100.22");
        await FailAsync(guesser, victim.Email, SignInProtectionHost.FailuresBeforeLockout);
        Assert.NotNull(await LockedUntilAsync());

        // Let the first lockout run out, then fail again.
        await host.QueryAsync(db => db.SignInLockouts.Where(l => l.KeyHash == key)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var beforeSecond = DateTimeOffset.UtcNow;
        await FailAsync(guesser, victim.Email, SignInProtectionHost.FailuresBeforeLockout);

        var second = await LockedUntilAsync();
        var expected = 2 * SignInProtectionHost.FirstLockout;
        Assert.InRange(second!.Value - beforeSecond, expected - TimeSpan.FromMinutes(1), expected + TimeSpan.FromMinutes(1));
        await (await SignInAsync(guesser, victim.Email, victim.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        Task<DateTimeOffset?> LockedUntilAsync() =>
            host.QueryAsync(db => db.SignInLockouts.Where(l => l.KeyHash == key).Select(l => l.LockedUntil).SingleAsync());
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_64_share_one_lockout()
    {
        var victim = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());

        for (var i = 1; i <= SignInProtectionHost.FailuresBeforeLockout; i++)
        {
            await FailAsync(host.ClientFrom($"2001:db8:7:1::{i:x}"), victim.Email, 1);
        }

        await (await SignInAsync(host.ClientFrom("2001:db8:7:1:ffff::99"), victim.Email, victim.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(host.ClientFrom("2001:db8:7:2::1"), victim.Email, victim.Password)).StatusCode);
    }

    [Fact]
    public async Task X_forwarded_for_from_the_configured_proxy_names_the_client()
    {
        var victim = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());
        var guesserBehindProxy = Forwarded(host.ClientFrom(SignInProtectionHost.TrustedProxy), "198.51.100.40");
        var ownerBehindProxy = Forwarded(host.ClientFrom(SignInProtectionHost.TrustedProxy), "198.51.100.41");

        await FailAsync(guesserBehindProxy, victim.Email, SignInProtectionHost.FailuresBeforeLockout);

        await (await SignInAsync(guesserBehindProxy, victim.Email, victim.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(ownerBehindProxy, victim.Email, victim.Password)).StatusCode);
    }

    [Fact]
    public async Task X_forwarded_for_from_anyone_else_is_ignored()
    {
        var victim = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());

        for (var i = 1; i <= SignInProtectionHost.FailuresBeforeLockout; i++)
        {
            await FailAsync(Forwarded(host.ClientFrom("203.0.113.50"), $"198.51.100.{50 + i}"), victim.Email, 1);
        }

        var spoofing = Forwarded(host.ClientFrom("203.0.113.50"), "198.51.100.99");
        await (await SignInAsync(spoofing, victim.Email, victim.Password)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_successful_sign_in_forgets_earlier_failures()
    {
        var client = host.ClientFrom("198.51.100.60");
        var customer = await IdentityFlows.RegisterCustomerAsync(client);

        await FailAsync(client, customer.Email, SignInProtectionHost.FailuresBeforeLockout - 1);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, customer.Email, customer.Password)).StatusCode);
        await FailAsync(client, customer.Email, SignInProtectionHost.FailuresBeforeLockout - 1);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, customer.Email, customer.Password)).StatusCode);
    }

    private static HttpClient Forwarded(HttpClient client, string clientAddress)
    {
        client.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        return client;
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });

    private static async Task FailAsync(HttpClient client, string email, int times)
    {
        for (var i = 0; i < times; i++)
        {
            var response = await SignInAsync(client, email, $"Wrong-guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }
}
