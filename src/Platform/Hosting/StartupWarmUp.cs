using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Hosting;

/// <summary>Bound from <c>Host:WarmUp</c>: the reads a replica sends itself before it reports ready.</summary>
public sealed class WarmUpOptions
{
    public const string Section = "Host:WarmUp";

    /// <summary>Storefront reads (paths with their query) sent to the replica's own listener; none turns the warm-up off.</summary>
    public List<string> Paths { get; set; } = ["/api/v1/categories", "/api/v1/products?limit=20", "/api/v1/products?q=phone&limit=20"];

    /// <summary>How many times each path is read; the runtime compiles a method again, optimised, after about 30 calls.</summary>
    public int Rounds { get; set; } = 40;

    /// <summary>The warm-up gives up (and the replica reports ready all the same) after this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A replica that has just started answers its first requests many times slower than a warm one: the JIT compiles (and
/// later recompiles) the request path, and EF builds its queries. A balancer that waits for readiness (Kubernetes, a
/// deploy script in front of nginx) should not hand it a full share of traffic then. So readiness stays unhealthy until
/// the replica has read its own hot storefront routes, through its own listener, <see cref="WarmUpOptions.Rounds"/>
/// times each.
/// </summary>
internal sealed partial class StartupWarmUp(
    IServer server, IHostApplicationLifetime lifetime, IOptions<WarmUpOptions> options, ILogger<StartupWarmUp> logger) : BackgroundService, IHealthCheck
{
    private volatile bool _done;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Warming up: reading the storefront's routes before taking traffic."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            if (settings.Paths.Count == 0 || settings.Rounds <= 0 || !await StartedAsync(stoppingToken)
                || server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) is not { } address)
            {
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(settings.Timeout);
            using var http = new HttpClient { BaseAddress = Loopback(address), Timeout = settings.Timeout };
            var started = TimeProvider.System.GetTimestamp();
            for (var round = 0; round < settings.Rounds; round++)
            {
                foreach (var path in settings.Paths)
                {
                    using var response = await http.GetAsync(path, timeout.Token);
                }
            }

            LogWarmedUp(logger, settings.Paths.Count * settings.Rounds, TimeProvider.System.GetElapsedTime(started));
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogWarmUpFailed(logger, e);
        }
        finally
        {
            _done = true;
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The listener's address as this process reaches it: a wildcard host (<c>+</c>, <c>*</c>, 0.0.0.0, [::]) is loopback.</summary>
    internal static Uri Loopback(string address)
    {
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up with {Requests} reads of the storefront in {Elapsed}; reporting ready")]
    private static partial void LogWarmedUp(ILogger logger, int requests, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up stopped early; reporting ready all the same")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}

public static class StartupWarmUpRegistration
{
    /// <summary>The warm-up of an API replica (readiness waits for it); the worker serves no storefront route to warm.</summary>
    public static IServiceCollection AddStartupWarmUp(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Role().ServesApi())
        {
            return services;
        }

        services.AddOptions<WarmUpOptions>()
            .Bind(configuration.GetSection(WarmUpOptions.Section))
            .Validate(o => o.Rounds >= 0 && o.Timeout > TimeSpan.Zero, "Host:WarmUp:Rounds must be 0 or more and Host:WarmUp:Timeout above zero.")
            .ValidateOnStart();
        services.AddSingleton<StartupWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupWarmUp>());
        services.AddHealthChecks().AddCheck<StartupWarmUp>("warm-up", tags: ["ready"]);
        return services;
    }
}
