using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Marketplace.Api;
using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Xunit;

namespace Marketplace.Identity.Tests;

/// <summary>
/// The host as the container image runs it: environment Production, and no connection string, so on the embedded
/// SQLite profile. <see cref="Settings"/> are what the operator configured.
/// </summary>
public sealed class HostInEnvironment(string environment) : MarketplaceFactory(TestProfile.Embedded)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(environment);
    }
}

public sealed class DeploymentStartupTests
{
    private static async Task<T> WithHostAsync<T>(string environment, IDictionary<string, string?> settings, Func<HostInEnvironment, Task<T>> use)
    {
        await using var host = new HostInEnvironment(environment);
        var lifetime = (IAsyncLifetime)host;
        await lifetime.InitializeAsync();
        try
        {
            foreach (var (key, value) in settings)
            {
                host.Settings[key] = value;
            }

            return await use(host);
        }
        finally
        {
            await lifetime.DisposeAsync();
        }
    }

    private static Task<InvalidOperationException> StartRefusedAsync(Dictionary<string, string?> settings) =>
        WithHostAsync("Production", settings, host => Assert.ThrowsAsync<InvalidOperationException>(() => Task.FromResult(host.CreateClient())));

    private static string NewSigningKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    [Fact]
    public async Task Production_on_sqlite_without_a_signing_key_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new()
        {
            ["Identity:BootstrapAdmin:Email"] = "root@shop.example",
            ["Identity:BootstrapAdmin:Password"] = "A-long-admin-pass-1",
        });

        Assert.Contains("Identity:Jwt:SigningKeyPem or Identity:Jwt:SigningKeyPath", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BootstrapAdmin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_on_sqlite_without_an_admin_password_refuses_to_start_and_names_the_setting()
    {
        var error = await StartRefusedAsync(new()
        {
            ["Identity:Jwt:SigningKeyPem"] = NewSigningKeyPem(),
            ["Identity:BootstrapAdmin:Email"] = "root@shop.example",
        });

        Assert.Contains("Identity:BootstrapAdmin:Password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SigningKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_with_nothing_configured_names_every_missing_setting_in_one_message()
    {
        var error = await StartRefusedAsync([]);

        Assert.Contains("Identity:Jwt:SigningKeyPem", error.Message, StringComparison.Ordinal);
        Assert.Contains("Identity:BootstrapAdmin:Email", error.Message, StringComparison.Ordinal);
        Assert.Contains("Identity:BootstrapAdmin:Password", error.Message, StringComparison.Ordinal);
        Assert.Contains("Paging:CursorKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_on_sqlite_with_its_settings_starts_with_the_configured_admin_and_no_demo_accounts()
    {
        var (demoAdmin, admin, products) = await WithHostAsync("Production", new Dictionary<string, string?>
        {
            ["Identity:Jwt:SigningKeyPem"] = NewSigningKeyPem(),
            ["Identity:BootstrapAdmin:Email"] = "root@shop.example",
            ["Identity:BootstrapAdmin:Password"] = "A-long-admin-pass-1",
            ["Paging:CursorKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Payments:Provider"] = "sandbox",
        }, async host =>
        {
            var client = host.CreateClient();
            var demoAdmin = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@demo.local", password = "Demo-pass-1" });
            var admin = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "root@shop.example", password = "A-long-admin-pass-1" });
            var products = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/products");
            return (demoAdmin.StatusCode, admin.StatusCode, products.GetProperty("items").GetArrayLength());
        });

        Assert.Equal(HttpStatusCode.Unauthorized, demoAdmin);
        Assert.Equal(HttpStatusCode.OK, admin);
        Assert.Equal(0, products);
    }

    [Fact]
    public async Task A_demo_run_in_production_needs_no_key_nor_admin_and_seeds_the_demo_accounts()
    {
        var status = await WithHostAsync("Production", new Dictionary<string, string?> { [DemoMode.Setting] = "true", ["Seed:Skus"] = "50" }, async host =>
            (await host.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@demo.local", password = "Demo-pass-1" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Development_starts_the_seeded_demo_storefront_as_the_readme_promises()
    {
        var (signIn, products) = await WithHostAsync("Development", new Dictionary<string, string?> { ["Seed:Skus"] = "50" }, async host =>
        {
            var client = host.CreateClient();
            var signIn = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@demo.local", password = "Demo-pass-1" });
            var products = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/products");
            return (signIn.StatusCode, products.GetProperty("items").GetArrayLength());
        });

        Assert.Equal(HttpStatusCode.OK, signIn);
        Assert.True(products > 0, "The demo catalog was not seeded.");
    }

    [Fact]
    public void The_short_flags_stand_for_their_settings_and_leave_other_arguments_alone()
    {
        Assert.Equal(["--Demo:Enabled=true", "--urls=http://+:5080"], DeploymentSettings.WithShortFlags(["--demo", "--urls=http://+:5080"]));
        Assert.Equal(["migrate"], DeploymentSettings.WithShortFlags(["migrate"]));
        Assert.Equal(["--Host:Role", "worker"], DeploymentSettings.WithShortFlags(["--role", "worker"]));
        Assert.Equal(["--Host:Role=api"], DeploymentSettings.WithShortFlags(["--role=api"]));
    }

    [Fact]
    public void Migrate_and_seed_are_commands_that_need_no_admin_credentials()
    {
        Assert.True(HostCommands.IsCommand(["migrate"]));
        Assert.True(HostCommands.IsCommand(["seed", "--skus", "10"]));
        Assert.False(HostCommands.IsCommand(["--demo"]));
        Assert.False(HostCommands.IsCommand([]));
    }
}
