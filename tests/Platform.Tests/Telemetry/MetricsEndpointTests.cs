using System.Net;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Platform.Tests.Telemetry;

/// <summary>
/// The real host serving metrics on port 9464. The test server has no sockets, so a request says which local port it
/// arrived on with <see cref="ArrivedOn"/>, which a startup filter (first in the pipeline) turns into the connection's.
/// </summary>
public sealed class MetricsHost : MarketplaceFactory
{
    public const int MetricsPort = 9464;

    public const string ArrivedOn = "X-Test-Local-Port";

    public MetricsHost() => Settings["Telemetry:MetricsPort"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The scrape as Prometheus gets it, on the metrics port.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add(ArrivedOn, MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, LocalPortFromHeader>());
    }

    private sealed class LocalPortFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, proceed) =>
            {
                if (int.TryParse(http.Request.Headers[ArrivedOn], out var port))
                {
                    http.Connection.LocalPort = port;
                }

                return proceed(http);
            });
            next(app);
        };
    }
}

/// <summary>Hosts that start (or fail to) beside it must not share its process's meter listeners mid-test: it runs alone.</summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>
/// Metrics are served to Prometheus on a port of their own, in its text format, and carry the HTTP, runtime, database
/// and module meters under the names ops/metrics.md promises; the API's port does not serve them, nor the metrics port the API.
/// </summary>
[Collection(nameof(MetricsCollection))]
public sealed class MetricsEndpointTests(MetricsHost factory) : IClassFixture<MetricsHost>
{
    [Fact]
    public async Task The_scrape_reports_requests_by_route_and_each_port_serves_only_its_own()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/categories")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
        using var apiOnMetricsPort = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        apiOnMetricsPort.Headers.Add(MetricsHost.ArrivedOn, MetricsHost.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(apiOnMetricsPort)).StatusCode);

        var scrape = await Eventually.ReadAsync(factory.ScrapeAsync, text => text.Contains("http_route=\"api/v1/categories\"", StringComparison.Ordinal));

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", scrape, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", scrape, StringComparison.Ordinal);
        Assert.Contains("http_response_status_code=\"200\"", scrape, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_platform_reports_readiness_per_check_outbox_backlogs_and_budget_rejections()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/health/ready")).StatusCode);

        // Every module's relay reports its backlog on its first quiet round; a gauge shows from the scrape after it is first set.
        var scrape = await Eventually.ReadAsync(factory.ScrapeAsync, text =>
            text.Contains("module=\"ordering\"", StringComparison.Ordinal) && text.Contains("marketplace_readiness{", StringComparison.Ordinal));

        Assert.Matches("marketplace_readiness\\{[^}]*check=\"db-catalog\"[^}]*\\} 1", scrape);
        Assert.Matches("marketplace_outbox_oldest_pending_age_seconds\\{[^}]*module=\"catalog\"", scrape);
        Assert.Matches("marketplace_request_budget_rejections_total\\{[^}]*budget=\"reads\"", scrape);
    }
}
