using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Hosting;

/// <summary>Bound from <c>Host</c>: how a process leaves the balancer when it is told to stop.</summary>
public sealed class DrainOptions
{
    public const string Section = "Host";

    /// <summary>
    /// How long the process keeps serving, with <c>/health/ready</c> answering 503, before it closes its listener: long
    /// enough for the balancer to notice (its health probe, or its idle upstream connections timing out).
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long in-flight requests and consumers then have to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The first step of a graceful stop. Before anything stops, readiness turns unhealthy and every HTTP/1.1 response
/// says <c>Connection: close</c>, so the balancer stops sending new requests and drops its pooled connections; only
/// after <see cref="DrainOptions.DrainDelay"/> does the host go on to close the listener (in-flight requests finish)
/// and stop the bus (in-flight consumers finish).
/// </summary>
internal sealed partial class ShutdownDrain(IOptions<DrainOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService, IHealthCheck
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        LogDraining(logger, options.Value.DrainDelay);
        try
        {
            await Task.Delay(options.Value.DrainDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out first: stop now.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("Shutting down: draining before the listener closes.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: not ready, serving for {Delay} more before the listener closes")]
    private static partial void LogDraining(ILogger logger, TimeSpan delay);
}

public static class GracefulDrainRegistration
{
    /// <summary>Readiness that turns false first on a stop, the drain delay, and a shutdown timeout that covers both.</summary>
    public static IServiceCollection AddGracefulDrain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DrainOptions>()
            .Bind(configuration.GetSection(DrainOptions.Section))
            .Validate(o => o.DrainDelay >= TimeSpan.Zero && o.ShutdownTimeout > TimeSpan.Zero, "Host:DrainDelay must be 0 or more and Host:ShutdownTimeout above zero.")
            .ValidateOnStart();
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        services.AddHealthChecks().AddCheck<ShutdownDrain>("shutdown", tags: ["ready"]);
        services.AddOptions<HostOptions>().Configure<IOptions<DrainOptions>>((host, drain) => host.ShutdownTimeout = drain.Value.DrainDelay + drain.Value.ShutdownTimeout);
        return services;
    }

    /// <summary>While draining, asks HTTP/1.1 clients (the balancer) to close their connection after each response.</summary>
    public static IApplicationBuilder UseGracefulDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        return app.Use((http, next) =>
        {
            if (drain.Draining && HttpProtocol.IsHttp11(http.Request.Protocol))
            {
                http.Response.Headers.Connection = "close";
            }

            return next(http);
        });
    }
}
