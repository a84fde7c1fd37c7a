using Marketplace.Delivery.Contracts;
using Marketplace.Platform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Marketplace.Delivery.Carriers.Cdek;

/// <summary>Registers the CDEK carrier when <c>Delivery:Carriers:Cdek</c> names an API and credentials.</summary>
internal static class CdekRegistration
{
    public const string Pipeline = "cdek";

    public static void AddCdekCarrier(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(CdekOptions.Section);
        if (!(section.Get<CdekOptions>() ?? new CdekOptions()).IsConfigured)
        {
            return;
        }

        services.AddOptions<CdekOptions>()
            .Bind(section)
            .Validate(o => o.IsValid, $"{CdekOptions.Section}: timeouts, retry and breaker settings and package limits must be above zero (breaker throughput at least 2, windows at least 500 ms).")
            .ValidateOnStart();
        services.AddSingleton<CdekTokens>();
        services.AddHttpClient<CdekApi>((provider, http) =>
            {
                var settings = provider.GetRequiredService<IOptions<CdekOptions>>().Value;
                var root = settings.BaseUrl!.ToString();
                http.BaseAddress = new Uri(root.EndsWith('/') ? root : root + "/");

                // The resilience pipeline owns every timeout.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler(Pipeline, (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<CdekOptions>>().Value;
                pipeline
                    .AddTimeout(settings.TotalTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = settings.RetryDelay,

                        // Only transient failures (5xx, 408, 429, timeouts, connection errors) of calls safe to send twice.
                        ShouldHandle = args => ValueTask.FromResult(
                            settings.MaxRetries > 0
                            && args.Context.GetRequestMessage() is { } request
                            && request.Options.TryGetValue(CdekApi.SafeToRetry, out var safe) && safe
                            && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                    })
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = settings.BreakerFailureRatio,
                        MinimumThroughput = settings.BreakerMinimumThroughput,
                        SamplingDuration = settings.BreakerSamplingDuration,
                        BreakDuration = settings.BreakDuration,
                    })
                    .AddTimeout(settings.Timeout);
            });
        services.AddScoped<IDeliveryCarrier, CdekCarrier>();
        services.AddSingleton(new ComponentAdapter("delivery", "CDEK API v2 carrier"));
    }
}
