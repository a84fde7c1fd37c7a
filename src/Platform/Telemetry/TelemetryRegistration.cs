using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Marketplace.Platform.Telemetry;

/// <summary>Bound from <c>Telemetry</c>: where the host's metrics and traces go.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// The port of the Prometheus scrape endpoint (<c>http://{host}:{port}/metrics</c>): the host listens on it beside the
    /// API's own port, answers only <c>/metrics</c> there, and does not answer <c>/metrics</c> on the API's port. The
    /// balancer forwards only the API's port, so shoppers never reach it. Zero (the default) serves no metrics.
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>
    /// An OTLP collector that receives traces: <c>http://collector:4317</c> for gRPC, or with <see cref="OtlpProtocol"/>
    /// <c>http/protobuf</c> its base address <c>http://collector:4318</c>, under which spans are posted to
    /// <c>/v1/traces</c> (a full <c>…/v1/traces</c> address is taken as it is). Unset: no spans are recorded (logs and
    /// problems still carry the request's trace id).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The service name on every span and metric (OpenTelemetry's <c>service.name</c>).</summary>
    public string ServiceName { get; set; } = "marketplace";

    /// <summary>Share of traces kept when exporting (parent-based: a trace keeps its first service's decision), 0 to 1.</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>
    /// The longest a finished span waits before it is sent (sooner when a batch fills up): the exporter sends in batches,
    /// so that each span costs no request of its own.
    /// </summary>
    public TimeSpan TraceExportDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// OpenTelemetry for the host: metrics from ASP.NET Core, the HTTP client, the .NET runtime, Npgsql, MassTransit and the
/// modules' own meters (every meter named <c>Marketplace.*</c>), scraped by Prometheus on a port of their own; traces
/// across the HTTP request, Npgsql, Redis, HTTP calls out, the outbox relay (which publishes each event under the trace
/// that wrote it, <see cref="PlatformTracing"/>) and MassTransit (whose headers carry the W3C trace context to the
/// consumers), exported over OTLP when a collector is configured. EF Core's own instrumentation is left out: every
/// command it runs on PostgreSQL is already a span of Npgsql's, with its SQL, and would be recorded twice.
/// </summary>
public static class TelemetryRegistration
{
    /// <summary>The meters of the modules: each module names its own <c>Marketplace.{Module}</c>.</summary>
    public const string ModuleMeters = "Marketplace.*";

    /// <summary>The activity sources of the modules, for spans of their own, and the platform's (<see cref="PlatformTracing"/>).</summary>
    public const string ModuleSources = "Marketplace.*";

    public static IServiceCollection AddMarketplaceTelemetry(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.Configure<TelemetryOptions>(configuration.GetSection(TelemetryOptions.Section));
        if (options.MetricsPort is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Telemetry:MetricsPort must be a port number (0 serves no metrics), not {options.MetricsPort}.");
        }

        if (options.TraceSampleRatio is < 0 or > 1)
        {
            throw new InvalidOperationException($"Telemetry:TraceSampleRatio must lie between 0 and 1, not {options.TraceSampleRatio}.");
        }

        if (options.TraceExportDelay <= TimeSpan.Zero || options.TraceExportDelay.TotalMilliseconds > int.MaxValue)
        {
            throw new InvalidOperationException($"Telemetry:TraceExportDelay must be above zero and below 24 days, not {options.TraceExportDelay}.");
        }

        var protocol = options.OtlpProtocol switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new InvalidOperationException($"Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf', not '{options.OtlpProtocol}'."),
        };
        var otlp = options.OtlpEndpoint is { Length: > 0 } endpoint ? TracesEndpoint(new Uri(endpoint, UriKind.Absolute), protocol) : null;

        // Each signal is collected only where it goes somewhere: an instrumented request costs CPU whether or not
        // anything reads the measurements.
        if (options.MetricsPort == 0 && otlp is null)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName)
                .AddAttributes([new("deployment.environment.name", environment.EnvironmentName)]));
        if (options.MetricsPort > 0)
        {
            // ASP.NET Core's meters one by one rather than all of them: routing, authentication and Kestrel's connection
            // meters measure every request again and answer no question the alerts or boards ask.
            telemetry.WithMetrics(metrics => metrics
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Diagnostics")
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql", InstrumentationOptions.MeterName, ModuleMeters)
                .AddPrometheusExporter());
        }

        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddRedisInstrumentation()
                .AddSource(DiagnosticHeaders.DefaultListenerName, ModuleSources)
                .AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = otlp;
                    exporter.Protocol = protocol;
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = (int)options.TraceExportDelay.TotalMilliseconds;
                }));
        }

        return services;
    }

    /// <summary>
    /// Where the exporter sends spans. An endpoint set in code is used as it is, path included (only the
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable gets <c>/v1/traces</c> added), so a collector's base address over
    /// HTTP would have every export posted to <c>/</c> and refused; gRPC names its service itself.
    /// </summary>
    internal static Uri TracesEndpoint(Uri configured, OtlpExportProtocol protocol)
    {
        const string tracesPath = "v1/traces";
        if (protocol != OtlpExportProtocol.HttpProtobuf || configured.AbsolutePath.TrimEnd('/').EndsWith($"/{tracesPath}", StringComparison.Ordinal))
        {
            return configured;
        }

        var withSlash = new UriBuilder(configured) { Path = configured.AbsolutePath.TrimEnd('/') + "/" }.Uri;
        return new Uri(withSlash, tracesPath);
    }

    /// <summary>
    /// Serves <c>/metrics</c> to requests that arrived on <see cref="TelemetryOptions.MetricsPort"/>, and nothing else there:
    /// the scrape comes before every limit and budget (a busy API still reports why it is busy), and a request for the
    /// API on the metrics port is a 404, so the port cannot be used to go round the balancer. First in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseMarketplaceMetrics(this IApplicationBuilder app)
    {
        var port = app.ApplicationServices.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsPort;
        if (port == 0)
        {
            return app;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(http => http.Connection.LocalPort == port && http.Request.Path == "/metrics");
        return app.Use(next => http =>
        {
            if (http.Connection.LocalPort == port)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(http);
        });
    }

    /// <summary>
    /// Adds the metrics port to the addresses the server listens on, keeping the ones it was given (<c>urls</c>, else
    /// <c>http_ports</c>, else Kestrel's default), since naming one address in code would replace them all.
    /// </summary>
    public static IWebHostBuilder ListenForMetrics(this IWebHostBuilder host, IConfiguration configuration)
    {
        var port = configuration.GetValue<int>($"{TelemetryOptions.Section}:MetricsPort");
        if (port <= 0)
        {
            return host;
        }

        var urls = host.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(urls))
        {
            var ports = host.GetSetting("http_ports");
            urls = string.IsNullOrWhiteSpace(ports)
                ? "http://localhost:5000"
                : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }

        return host.UseUrls($"{urls};http://*:{port}");
    }

    /// <summary>
    /// Log lines carry the trace and span ids of the request or message they were written for; in Production they are
    /// JSON, one object a line, with those ids and the scopes as properties.
    /// </summary>
    public static ILoggingBuilder AddMarketplaceLogging(this ILoggingBuilder logging, IHostEnvironment environment)
    {
        logging.Configure(factory => factory.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (environment.IsProduction())
        {
            logging.ClearProviders();
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return logging;
    }
}
