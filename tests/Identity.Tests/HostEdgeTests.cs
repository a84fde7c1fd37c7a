using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Marketplace.Identity.Tests;

/// <summary>The host as deployed outside Development: Swagger UI off, with an admin.</summary>
public sealed class EdgeHost : MarketplaceFactory
{
    public EdgeHost()
        : base(TestProfile.Embedded) => this.WithBootstrapAdmin();
}

/// <summary>The host with the Swagger UI switched on, as Development has it.</summary>
public sealed class SwaggerUiHost : MarketplaceFactory
{
    public SwaggerUiHost()
        : base(TestProfile.Embedded) => Settings["Api:SwaggerUi:Enabled"] = "true";
}

public sealed class SystemEndpointTests(EdgeHost host) : IClassFixture<EdgeHost>
{
    [Fact]
    public async Task Anonymous_callers_see_only_that_the_host_runs_and_its_version()
    {
        var response = await host.CreateClient().GetAsync("/api/v1/system");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("running", body.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.Equal(["state", "version"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_customer_sees_no_more_than_an_anonymous_caller()
    {
        var customer = await IdentityFlows.RegisterCustomerAsync(host.CreateClient());

        var body = await host.CreateClient(customer.AccessToken).GetFromJsonAsync<JsonElement>("/api/v1/system");

        Assert.Equal(["state", "version"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_admin_sees_each_component_adapter_and_the_state_of_the_rules()
    {
        var admin = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));

        var body = await admin.GetFromJsonAsync<JsonElement>("/api/v1/system");

        Assert.Equal("running", body.GetProperty("state").GetString());
        Assert.Contains(body.GetProperty("components").EnumerateArray(), c => c.GetProperty("component").GetString() == "rules");
        Assert.True(body.GetProperty("status").GetProperty("rules").TryGetProperty("lastRejection", out _));
    }
}

public sealed class SecurityHeaderTests(EdgeHost host) : IClassFixture<EdgeHost>
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    [Theory]
    [InlineData("/api/v1/categories", HttpStatusCode.OK)]
    [InlineData("/api/v1/me", HttpStatusCode.Unauthorized)]
    [InlineData("/api/v1/products/not-a-product", HttpStatusCode.NotFound)]
    [InlineData("/swagger/v1/swagger.json", HttpStatusCode.OK)]
    public async Task Every_answer_forbids_sniffing_and_loads_nothing_in_a_browser(string path, HttpStatusCode status)
    {
        var response = await host.CreateClient().GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(ApiPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task A_validation_error_carries_the_headers_too()
    {
        var response = await host.CreateClient().PostAsJsonAsync("/api/v1/customers", new { email = "not-an-email", password = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task Over_https_the_answer_tells_browsers_to_keep_to_https()
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://shop.example") });

        var response = await client.GetAsync("/api/v1/categories");

        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task Over_plain_http_no_hsts_header_is_sent()
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://shop.example") });

        var response = await client.GetAsync("/api/v1/categories");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Outside_development_the_swagger_ui_is_off_and_the_openapi_document_is_public()
    {
        var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/swagger/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }
}

public sealed partial class SwaggerUiTests(SwaggerUiHost host) : IClassFixture<SwaggerUiHost>
{
    [Fact]
    public async Task When_switched_on_the_swagger_ui_loads_under_a_policy_that_allows_only_its_own_scripts()
    {
        var client = host.CreateClient();

        var page = await client.GetAsync("/swagger/index.html");
        var html = await page.Content.ReadAsStringAsync();
        var script = await client.GetAsync("/swagger/index.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);

        // 'self' scripts only work if the page has no inline one: every <script> must load a file.
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains(" src=", tag.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_api_keeps_its_strict_policy_while_the_ui_is_on()
    {
        var response = await host.CreateClient().GetAsync("/api/v1/categories");

        Assert.StartsWith("default-src 'none'; frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();
}
