using System.Net;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Marketplace.Platform.Caching;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Marketplace.Platform.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;

namespace Marketplace.Api;

/// <summary>Limits of the HTTP edge; bound from <c>Api</c>.</summary>
internal sealed class ApiLimits
{
    /// <summary>Largest request body outside bulk imports.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1 * 1024 * 1024;

    /// <summary>The reverse proxies whose <c>X-Forwarded-For</c> is believed; nothing is believed unless listed.</summary>
    public ForwardedHeaderTrust ForwardedHeaders { get; set; } = new();
}

/// <summary>Bound from <c>Api:ForwardedHeaders</c>.</summary>
internal sealed class ForwardedHeaderTrust
{
    /// <summary>Proxy addresses, such as <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, such as <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

internal static class HostSetup
{
    public static WebApplicationBuilder AddMarketplaceHost(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostRole(builder.Configuration);
        builder.Services.AddGracefulDrain(builder.Configuration);
        builder.Services.AddStartupWarmUp(builder.Configuration);
        var limits = builder.Configuration.GetSection("Api").Get<ApiLimits>() ?? new ApiLimits();
        builder.Services.AddSingleton(limits);
        builder.Services.AddMarketplaceProblems();
        builder.Services.AddMarketplaceTelemetry(builder.Configuration, builder.Environment);
        builder.WebHost.ListenForMetrics(builder.Configuration);
        builder.Logging.AddMarketplaceLogging(builder.Environment);
        builder.Services.AddCursorSigning(builder.Configuration, builder.Environment);

        // Enums travel as their names, so an unknown value is a 400 naming the field rather than a silent number.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)));
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMemoryCache();
        builder.Services.AddMarketplaceCache(builder.Configuration);
        builder.Services.AddHealthChecks();
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = limits.MaxRequestBodyBytes);

        // Parsed here, so that a mistyped proxy address stops start-up instead of the first request.
        var trustedProxies = limits.ForwardedHeaders.KnownProxies.Select(IPAddress.Parse).ToList();
        var trustedNetworks = limits.ForwardedHeaders.KnownNetworks.Select(network => System.Net.IPNetwork.Parse(network)).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // Without configured proxies the header is ignored: anyone can send X-Forwarded-For, and believing it
            // would let a client pick its own rate-limit bucket. The defaults trust loopback, so they are cleared;
            // and empty lists would make the middleware trust every peer, so with none configured it reads nothing.
            forwarded.ForwardedHeaders = trustedProxies.Count + trustedNetworks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardLimit = null;
            trustedProxies.ForEach(forwarded.KnownProxies.Add);
            trustedNetworks.ForEach(forwarded.KnownIPNetworks.Add);
        });

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, token) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString();
                }

                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Slow down and retry after the indicated delay." },
                });
            };
        });

        // Modules declare their own policies (Identity's credentials, Catalog's bulk, Cart's guests); the host owns the
        // global one. Api:*PerMinute are the names these limits had before RateLimits:<policy>; they still count when the new key is unset.
        builder.Services.AddGlobalRateLimit(builder.Configuration, 6000, RateLimits.ClientKey, "Api:RequestsPerMinute");
        builder.Services.AddRequestBudgets(builder.Configuration);

        builder.Services.AddSecurityHeaders(builder.Configuration);
        builder.AddBrowserOrigins();
        builder.Services.AddMarketplaceOpenApi(builder.Configuration);
        return builder;
    }

    private static readonly string Version =
        typeof(SystemReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private static async Task<Ok<SystemReport>> GetSystemAsync(
        ClaimsPrincipal user, IAuthorizationService authorization, IEnumerable<ComponentAdapter> adapters, IEnumerable<IComponentStatus> states)
    {
        if (!(await authorization.AuthorizeAsync(user, MarketplaceClaims.Policies.Admin)).Succeeded)
        {
            return TypedResults.Ok(new SystemReport("running", Version, null, null));
        }

        return TypedResults.Ok(new SystemReport(
            "running",
            Version,
            adapters.OrderBy(a => a.Component, StringComparer.Ordinal).ToList(),
            states.ToDictionary(s => s.Component, s => s.Report(), StringComparer.Ordinal)));
    }

    public static WebApplication UseMarketplaceHost(this WebApplication app)
    {
        app.UseMarketplaceMetrics();
        app.UseGracefulDrain();

        // First, so that every limit and log sees the client's address rather than the proxy's.
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();

        // Before everything that can answer (errors, 401s, 429s), so a browser on an allowed origin can read those too,
        // and so a preflight is answered here rather than reaching a route that only knows POST (a 405).
        app.UseCors();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSwagger();
        app.UseSwaggerUiWhenEnabled();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseRequestBudgets();
        foreach (var adapter in app.Services.GetServices<ComponentAdapter>())
        {
            app.Logger.LogInformation("{Component} runs on {Adapter}", adapter.Component, adapter.Adapter);
        }

        return app;
    }

    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithName("Live").WithTags("System");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            // Each probe also sets the readiness gauge, so flapping shows in the metrics at the probes' own pace.
            ResponseWriter = (http, report) =>
            {
                PlatformMetrics.ReadinessReported(report);
                return HealthReportWriter.WriteAsync(http, report);
            },
        }).WithName("Ready").WithTags("System");

        app.MapGet("/api/v1/system", GetSystemAsync)
            .WithName("GetSystem")
            .WithSummary("The host's state and version; admins also see which adapter each component (database, messaging, cache, search, rules…) runs on and the live state of those that report one")
            .WithTags("System");
        return app;
    }
}

/// <summary>The host's state; what it runs on only for admins, because addresses and rejected rule changes help an attacker.</summary>
/// <param name="State"><c>running</c> whenever the host answers; whether its dependencies answer is <c>/health/ready</c>.</param>
/// <param name="Version">The version of the API build.</param>
/// <param name="Components">Admins only: one entry per component, with the adapter it runs on.</param>
/// <param name="Status">Admins only: the live state of the components that report one (e.g. <c>rules</c>, with the last rejected change), by component.</param>
public sealed record SystemReport(
    string State,
    string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ComponentAdapter>? Components,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, object>? Status);
