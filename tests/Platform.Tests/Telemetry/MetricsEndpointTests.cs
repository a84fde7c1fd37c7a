using System.Net;
using System.Net.Sockets;
using Marketplace.TestSupport;

namespace Marketplace.Platform.Tests.Telemetry;

/// <summary>The real host with its Prometheus listener on a free port of this machine.</summary>
public sealed class MetricsHost : MarketplaceFactory
{
    public MetricsHost()
    {
        MetricsPort = FreePort();
        Settings["Telemetry:MetricsPort"] = MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Telemetry:MetricsHost"] = "localhost";
    }

    public int MetricsPort { get; }

    /// <summary>The scrape as Prometheus gets it.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{MetricsPort}") };
        return await client.GetStringAsync("/metrics");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>
/// Metrics are served to Prometheus on a port of their own, in its text format, and carry the HTTP, runtime, database
/// and module meters under the names ops/metrics.md promises; the API's own port does not serve them.
/// </summary>
public sealed class MetricsEndpointTests(MetricsHost factory) : IClassFixture<MetricsHost>
{
    [Fact]
    public async Task The_scrape_endpoint_reports_requests_by_route_and_the_api_port_does_not_serve_it()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/categories")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);

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
