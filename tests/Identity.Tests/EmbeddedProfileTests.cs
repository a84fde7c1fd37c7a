using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Platform.Hosting;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Identity.Tests;

/// <summary>The embedded profile (SQLite, in-memory bus) with its demo data switched on, as <c>--demo</c> does.</summary>
public sealed class EmbeddedDemoHost : MarketplaceFactory
{
    public EmbeddedDemoHost()
        : base(TestProfile.Embedded) => Settings[DemoMode.Setting] = "true";
}

public sealed class EmbeddedProfileTests(EmbeddedDemoHost host) : IClassFixture<EmbeddedDemoHost>
{
    [Fact]
    public async Task On_the_embedded_profile_a_customer_registers_signs_in_and_sees_itself()
    {
        var client = host.CreateClient();
        var customer = await IdentityFlows.RegisterCustomerAsync(client);
        var rotated = await IdentityFlows.RefreshAsync(client, customer.RefreshToken);

        var me = await host.CreateClient(rotated.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal(customer.Email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task The_embedded_profile_seeds_demo_staff_and_sellers()
    {
        var client = host.CreateClient();

        var admin = await IdentityFlows.SignInAsync(client, "admin@demo.local", "Demo-pass-1");
        var owner = await IdentityFlows.SignInAsync(client, "owner1@demo.local", "Demo-pass-1");
        var seller = await client.GetAsync($"/api/v1/sellers/{DemoIds.Seller(1)}");

        Assert.Contains(("role", "admin"), IdentityFlows.ClaimsOf(admin.AccessToken));
        Assert.Contains(("seller_id", DemoIds.Seller(1).ToString()), IdentityFlows.ClaimsOf(owner.AccessToken));
        Assert.Equal(HttpStatusCode.OK, seller.StatusCode);
    }

    /// <summary>
    /// The ids are pinned, not recomputed: a data directory seeded by an earlier build, and documents that name demo
    /// ids (runtime rules, load-test scripts), must still find the same sellers after any change to the code.
    /// </summary>
    [Fact]
    public void Demo_seller_ids_are_the_same_on_every_build_and_distinct()
    {
        Assert.Equal(Guid.Parse("89559474-bc26-8113-bf86-9bbf2c41a350"), DemoIds.Seller(1));
        Assert.Equal(Guid.Parse("3b732c29-eafd-8a0e-b4cd-c22acd0acecc"), DemoIds.Seller(2));
        Assert.Equal(100, Enumerable.Range(1, 100).Select(DemoIds.Seller).Distinct().Count());
        Assert.Equal(8, DemoIds.Seller(1).Version);
    }
}
