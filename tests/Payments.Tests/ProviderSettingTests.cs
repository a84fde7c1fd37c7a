using System.Security.Cryptography;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;

namespace Marketplace.Payments.Tests;

/// <summary>The host as a production deployment runs it (environment Production, embedded profile), with every other required setting.</summary>
public sealed class ProductionHost : MarketplaceFactory
{
    public ProductionHost()
        : base(TestProfile.Embedded)
    {
        using var rsa = RSA.Create(2048);
        Settings["Identity:Jwt:SigningKeyPem"] = rsa.ExportPkcs8PrivateKeyPem();
        Settings["Identity:BootstrapAdmin:Email"] = "root@shop.example";
        Settings["Identity:BootstrapAdmin:Password"] = "A-long-admin-pass-1";
        Settings["Paging:CursorKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

/// <summary>A production host takes payments only through a provider someone chose; the sandbox routes exist only with the sandbox.</summary>
public sealed class ProviderSettingTests
{
    [Fact]
    public async Task Production_without_a_payment_provider_refuses_to_start_and_names_the_setting()
    {
        await using var host = new ProductionHost();
        await ((IAsyncLifetime)host).InitializeAsync();
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => host.CreateClient());

            Assert.Contains("Payments:Provider", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("SigningKey", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_provider_this_build_does_not_have_refuses_to_start_and_names_the_setting()
    {
        await using var host = new ProductionHost();
        await ((IAsyncLifetime)host).InitializeAsync();
        try
        {
            host.Settings["Payments:Provider"] = "paypal";

            var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

            Assert.Contains("Payments:Provider", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Payments:Stripe:SecretKey")]
    [InlineData("Payments:Stripe:WebhookSecret")]
    public async Task Stripe_without_its_keys_refuses_to_start_and_names_the_missing_setting(string missing)
    {
        await using var host = new ProductionHost();
        await ((IAsyncLifetime)host).InitializeAsync();
        try
        {
            host.Settings["Payments:Provider"] = "stripe";
            host.Settings["Payments:Stripe:SecretKey"] = "sk_test_x";
            host.Settings["Payments:Stripe:WebhookSecret"] = "whsec_x";
            host.Settings[missing] = "";

            var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

            Assert.Contains(missing, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }
}
