using System.Diagnostics;
using System.Net;
using Marketplace.Platform.Telemetry;
using Marketplace.TestSupport;
using OpenTelemetry.Exporter;

namespace Marketplace.Platform.Tests.Telemetry;

/// <summary>
/// The real host with traces on, exporting over OTLP/HTTP to a collector double; batches leave after 200 ms
/// (<c>Telemetry:TraceExportDelay</c>) instead of the exporter's 5 s.
/// </summary>
public sealed class TracingHost : MarketplaceFactory
{
    public OtlpCollectorDouble Collector { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Collector = await OtlpCollectorDouble.StartNewAsync();
        Settings["Telemetry:OtlpEndpoint"] = Collector.Address;
        Settings["Telemetry:OtlpProtocol"] = "http/protobuf";
        Settings["Telemetry:TraceExportDelay"] = "00:00:00.200";
    }

    public override async ValueTask DisposeAsync()
    {
        // The host's last batch is flushed as it stops: the collector listens until then.
        await base.DisposeAsync();
        await Collector.DisposeAsync();
    }
}

/// <summary>Spans leave the host for the collector its settings name, in the protocol they name.</summary>
public sealed class TraceExportTests(TracingHost host) : IClassFixture<TracingHost>
{
    [Fact]
    public async Task A_request_to_the_api_is_exported_to_the_collector_as_otlp_over_http()
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/categories");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().SendAsync(request)).StatusCode);

        var exported = await Eventually.ReadAsync(() => Task.FromResult(host.Collector.HasSpanOf(traceId)), found => found, TimeSpan.FromSeconds(20));

        Assert.True(exported, $"No span of trace {traceId} reached the collector; it received: " +
            string.Join(", ", host.Collector.Requests.Select(r => $"{r.Method} {r.Path} {r.ContentType} -> {r.Status}")));
        Assert.All(host.Collector.Requests, r => Assert.Equal(200, r.Status));
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces")]
    [InlineData("http://collector:4318/", "http://collector:4318/v1/traces")]
    [InlineData("https://otel.example/otlp", "https://otel.example/otlp/v1/traces")]
    [InlineData("http://collector:4318/v1/traces", "http://collector:4318/v1/traces")]
    public void A_collectors_base_address_gets_the_traces_path_over_http(string configured, string posted) =>
        Assert.Equal(new Uri(posted), TelemetryRegistration.TracesEndpoint(new Uri(configured), OtlpExportProtocol.HttpProtobuf));

    [Fact]
    public void A_grpc_endpoint_is_used_as_configured() =>
        Assert.Equal(new Uri("http://collector:4317"), TelemetryRegistration.TracesEndpoint(new Uri("http://collector:4317"), OtlpExportProtocol.Grpc));
}
