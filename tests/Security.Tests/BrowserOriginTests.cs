using System.Net;
using System.Text;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Security.Tests;

/// <summary>
/// The host with its own copy of the repository's runtime rules, one origin allowed by configuration and
/// <c>https://*.tilda.ws</c> by the "storefront" rules; loopback origins are not allowed (as in Production).
/// </summary>
public sealed class BrowserOriginsHost : MarketplaceFactory
{
    public const string Configured = "https://shop.example.com";

    public BrowserOriginsHost()
        : base(TestProfile.Embedded)
    {
        this.WithBootstrapAdmin();
        Rules.Write("storefront", """{ "allowedOrigins": ["https://*.tilda.ws"] }""");
        Rules.Use(this);
        Settings["Api:Cors:AllowedOrigins:0"] = Configured;
        Settings["Api:Cors:AllowLoopback"] = "false";
    }

    public RulesCopy Rules { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Rules.Dispose();
    }
}

/// <summary>
/// A web page on another origin (a Tilda page, a partner's shop) calls the API from a browser: CORS lets the origins
/// configuration and the "storefront" rules name, and no other.
/// </summary>
public sealed class BrowserOriginTests(BrowserOriginsHost host) : IClassFixture<BrowserOriginsHost>
{
    [Theory]
    [InlineData(BrowserOriginsHost.Configured)]
    [InlineData("https://mybrand.tilda.ws")]
    [InlineData("https://a.b.tilda.ws")]
    public async Task A_preflight_from_an_allowed_origin_is_a_204_with_the_methods_headers_and_a_max_age(string origin)
    {
        using var answer = await PreflightAsync(origin, "POST", "content-type, x-cart-token, idempotency-key");

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal(origin, Single(answer, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Single(answer, "Access-Control-Allow-Methods").Split(','));
        var allowedHeaders = Single(answer, "Access-Control-Allow-Headers").Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("x-cart-token", allowedHeaders);
        Assert.Contains("idempotency-key", allowedHeaders);
        Assert.Equal("7200", Single(answer, "Access-Control-Max-Age"));
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"), "tokens travel in headers: no credentials mode");
    }

    [Fact]
    public async Task Every_header_a_client_sends_passes_a_preflight()
    {
        using var answer = await PreflightAsync(
            BrowserOriginsHost.Configured, "PUT", "authorization, content-type, x-cart-token, x-order-token, idempotency-key, if-match, if-none-match, x-api-key");

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        var allowed = Single(answer, "Access-Control-Allow-Headers").Split(',').Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
        Assert.Superset(new HashSet<string>(["authorization", "content-type", "x-cart-token", "x-order-token", "idempotency-key", "if-match", "if-none-match", "x-api-key"]), allowed);
    }

    [Fact]
    public async Task An_allowed_origin_reads_the_answer_and_the_headers_a_client_needs()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/products?limit=1");
        request.Headers.Add("Origin", "https://mybrand.tilda.ws");

        using var answer = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://mybrand.tilda.ws", Single(answer, "Access-Control-Allow-Origin"));
        var exposed = Single(answer, "Access-Control-Expose-Headers").Split(',').Select(h => h.Trim()).ToList();
        Assert.Superset(new HashSet<string>(["ETag", "Location", "Retry-After", "Idempotent-Replayed"]), exposed.ToHashSet());
        Assert.Contains("Origin", answer.Headers.Vary);
    }

    [Fact]
    public async Task An_error_answer_carries_the_cors_headers_so_the_page_can_read_its_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add("Origin", BrowserOriginsHost.Configured);

        using var answer = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal(BrowserOriginsHost.Configured, Single(answer, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://tilda.ws")]
    [InlineData("http://mybrand.tilda.ws")]
    [InlineData("https://mybrand.tilda.ws:8443")]
    [InlineData("https://eviltilda.ws")]
    [InlineData("https://mybrand.tilda.ws.evil.com")]
    [InlineData("http://127.0.0.1:8123")]
    [InlineData("null")]
    public async Task Another_origin_gets_no_cors_headers_and_an_otherwise_unchanged_answer(string origin)
    {
        using var preflight = await PreflightAsync(origin, "POST", "content-type");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"), $"preflight from {origin} was allowed");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Methods"));

        using var plain = await host.CreateClient().GetAsync("/api/v1/system");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/system");
        request.Headers.Add("Origin", origin);
        using var answer = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"), $"{origin} was allowed");
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Marketing_allows_a_new_origin_at_runtime_and_a_browser_on_it_gets_through()
    {
        const string added = "https://partner.example.org";
        using (var before = await PreflightAsync(added, "POST", "content-type"))
        {
            Assert.False(before.Headers.Contains("Access-Control-Allow-Origin"));
        }

        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        var etag = (await marketing.GetAsync("/api/v1/marketing/rules/storefront")).Headers.ETag!.ToString();
        using var put = await PutAsync(marketing, $$"""{ "allowedOrigins": ["https://*.tilda.ws", "{{added}}"] }""", etag);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        await Eventually.ReadAsync(
            async () =>
            {
                using var preflight = await PreflightAsync(added, "POST", "content-type");
                return preflight.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
            },
            allowed => allowed == added);
        using (var tilda = await PreflightAsync("https://mybrand.tilda.ws", "POST", "content-type"))
        {
            Assert.Equal("https://mybrand.tilda.ws", Single(tilda, "Access-Control-Allow-Origin"));
        }
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://*")]
    [InlineData("https://*.ws")]
    [InlineData("https://shop.*.example.com")]
    [InlineData("https://shop.example.com/path")]
    [InlineData("https://shop.example.com/")]
    [InlineData("ftp://shop.example.com")]
    [InlineData("shop.example.com")]
    [InlineData("https://user@shop.example.com")]
    [InlineData("")]
    public async Task A_pattern_that_is_not_an_origin_is_refused_naming_its_entry_and_the_rules_in_force_stay(string pattern)
    {
        var marketing = host.CreateClient(await IdentityFlows.AdminAccessTokenAsync(host.CreateClient()));
        using var before = await marketing.GetAsync("/api/v1/marketing/rules/storefront");
        var document = $$"""{ "allowedOrigins": ["https://fine.example.com", {{System.Text.Json.JsonSerializer.Serialize(pattern)}}] }""";

        using var put = await PutAsync(marketing, document, before.Headers.ETag!.ToString());

        await put.AssertValidationProblemAsync("allowedOrigins[1]");
        using var after = await marketing.GetAsync("/api/v1/marketing/rules/storefront");
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        using var preflight = await PreflightAsync("https://fine.example.com", "POST", "content-type");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"), "a refused document opened an origin");
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/cart/lines");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await host.CreateClient().SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string document, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/marketing/rules/storefront")
        {
            Content = new StringContent(document, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await client.SendAsync(request);
    }

    private static string Single(HttpResponseMessage answer, string header) =>
        answer.Headers.TryGetValues(header, out var values)
            ? string.Join(",", values)
            : throw new Xunit.Sdk.XunitException($"{header} is missing; the answer was {(int)answer.StatusCode} with {answer.Headers}");
}

/// <summary>On the development profile every loopback origin may call, whatever its port: a frontend developer's own machine.</summary>
public sealed class LoopbackOriginTests(LoopbackHost host) : IClassFixture<LoopbackHost>
{
    [Theory]
    [InlineData("http://127.0.0.1:8123")]
    [InlineData("http://localhost:5173")]
    [InlineData("http://[::1]:3000")]
    public async Task With_loopback_allowed_any_loopback_origin_passes_a_preflight(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/products");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");

        using var answer = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.True(answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }
}

/// <summary>The embedded host with loopback origins allowed, as Development allows them.</summary>
public sealed class LoopbackHost : MarketplaceFactory
{
    public LoopbackHost()
        : base(TestProfile.Embedded)
    {
        Settings["Api:Cors:AllowLoopback"] = "true";
    }
}
