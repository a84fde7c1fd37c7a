using System.Net.Http.Json;
using System.Text;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Config.Tests;

/// <summary>The real host with the tests' own rule section declared, and a bootstrap admin.</summary>
public abstract class RulesHost : MarketplaceFactory
{
    private protected RulesHost(TestProfile profile)
        : base(profile)
    {
        this.WithBootstrapAdmin();
        Settings["Config:LastGoodPath"] = Scratch.File("last-good.json");
    }

    private protected TempDirectory Scratch { get; } = new();

    public TestRules RulesInForce => Services.GetRequiredService<IOptionsMonitor<TestRules>>().CurrentValue;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddRuntimeRules(TestDocuments.Section, new TestRulesValidator()));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Scratch.Dispose();
    }

    /// <summary>A new account given the marketing role by the admin, signed in again so its token carries the role.</summary>
    public async Task<(HttpClient Client, Guid UserId, string Email)> MarketingClientAsync()
    {
        var anonymous = CreateClient();
        var person = await IdentityFlows.RegisterCustomerAsync(anonymous);
        var admin = CreateClient(await IdentityFlows.AdminAccessTokenAsync(anonymous));
        var granted = await admin.PutAsJsonAsync($"/api/v1/admin/users/{person.UserId}/roles", new { roles = new[] { "marketing" } });
        granted.EnsureSuccessStatusCode();
        var tokens = await IdentityFlows.SignInAsync(anonymous, person.Email, person.Password);
        return (CreateClient(tokens.AccessToken), person.UserId, person.Email);
    }

    /// <summary>Waits up to <paramref name="within"/> for the rules in force to satisfy <paramref name="condition"/>; returns how long it took.</summary>
    public async Task<TimeSpan> EventuallyAsync(Func<TestRules, bool> condition, TimeSpan within)
    {
        var started = DateTime.UtcNow;
        while (!condition(RulesInForce))
        {
            Assert.True(DateTime.UtcNow - started < within, $"The rules in force did not change within {within}; percent is {RulesInForce.Percent}.");
            await Task.Delay(10);
        }

        return DateTime.UtcNow - started;
    }

    public static async Task<HttpResponseMessage> PutRulesAsync(HttpClient client, string document, string? ifMatch, string section = TestDocuments.Section)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/marketing/rules/{section}")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null)
        {
            // Unvalidated, so that tests can send a malformed header as a client might.
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The section's ETag (quoted) as the API gives it.</summary>
    public static async Task<string> ETagAsync(HttpClient client, string section = TestDocuments.Section)
    {
        var response = await client.GetAsync($"/api/v1/marketing/rules/{section}");
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag;
    }
}

/// <summary>The host on PostgreSQL with its rules in the Consul double.</summary>
public sealed class ConsulRulesHost : RulesHost
{
    public const string Key = "marketplace/rules/test";

    public ConsulRulesHost()
        : base(TestProfile.Production)
    {
    }

    internal ConsulKvDouble Consul { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Consul = await ConsulKvDouble.StartNewAsync();
        Consul.Put(Key, TestDocuments.Rules(10));
        Settings["Config:Consul:Address"] = Consul.Address;
        Settings["Config:Consul:BlockingWait"] = "00:00:10";
        Settings["Config:Consul:BackoffMax"] = "00:00:00.500";
    }

    /// <summary>
    /// Waits until the rules in force are the document Consul holds: a change an earlier test wrote without waiting for
    /// it may still be on its way to the host.
    /// </summary>
    public Task SettledAsync() => EventuallyAsync(
        inForce =>
        {
            using var stored = System.Text.Json.JsonDocument.Parse(Consul.ValueOf(Key)!);
            return stored.RootElement.GetProperty("percent").GetDecimal() == inForce.Percent
                && stored.RootElement.GetProperty("label").GetString() == inForce.Label;
        },
        Deadlines.Generous);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Consul is not null)
        {
            await Consul.DisposeAsync();
        }
    }
}

/// <summary>The host on the embedded profile (SQLite) with its rules in files of a temporary directory.</summary>
public sealed class FileRulesHost : RulesHost
{
    public FileRulesHost()
        : base(TestProfile.Embedded)
    {
        Directory.CreateDirectory(RulesDirectory);
        File.WriteAllText(RuleFile, TestDocuments.Rules(10));
        Settings["Config:RuntimeDirectory"] = RulesDirectory;
    }

    public string RulesDirectory => Scratch.File("runtime");

    public string RuleFile => Path.Combine(RulesDirectory, "test.json");
}
