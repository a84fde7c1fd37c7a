namespace Marketplace.Api;

/// <summary>The browser-facing edge: the optional Swagger UI (<c>Api:SwaggerUi:Enabled</c>) and HSTS (<c>Api:HstsMaxAge</c>).</summary>
internal sealed class BrowserEdgeOptions
{
    /// <summary>Serve the Swagger UI under <c>/swagger</c> (on in Development); the OpenAPI document is served either way.</summary>
    public bool SwaggerUiEnabled { get; set; }

    /// <summary>How long a browser that saw the API over HTTPS keeps to HTTPS (<c>Strict-Transport-Security: max-age</c>).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>
/// Headers on every answer, errors and 429s included. The API serves JSON only, so its policy allows nothing to load
/// or frame it; the Swagger UI, when on, is a page of its own scripts and styles and gets a policy that allows just
/// those (inline styles and data: images are how swagger-ui draws itself).
/// </summary>
internal static class SecurityHeaders
{
    public const string SwaggerUiPath = "/swagger";

    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public const string SwaggerUiPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static BrowserEdgeOptions ReadOptions(IConfiguration configuration) => new()
    {
        SwaggerUiEnabled = configuration.GetValue("Api:SwaggerUi:Enabled", false),
        HstsMaxAge = configuration.GetValue("Api:HstsMaxAge", new BrowserEdgeOptions().HstsMaxAge),
    };

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        services.AddSingleton(options);
        services.AddHsts(hsts => hsts.MaxAge = options.HstsMaxAge);
        return services;
    }

    /// <summary>Goes first, so that the exception handler's and the rate limiter's answers carry the headers too.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<BrowserEdgeOptions>();
        app.Use((context, next) =>
        {
            // On starting, because the exception handler clears the headers of the answer it replaces.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = options.SwaggerUiEnabled && IsSwaggerUi(context.Request.Path) ? SwaggerUiPolicy : ApiPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });

        // Only on HTTPS requests (UseHsts checks), and not in Development, where a browser would remember it for localhost.
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        return app;
    }

    public static WebApplication UseSwaggerUiWhenEnabled(this WebApplication app)
    {
        if (app.Services.GetRequiredService<BrowserEdgeOptions>().SwaggerUiEnabled)
        {
            app.UseSwaggerUI(ui => ui.SwaggerEndpoint("/swagger/v1/swagger.json", "Marketplace API v1"));
        }

        return app;
    }

    private static bool IsSwaggerUi(PathString path) =>
        path.StartsWithSegments(SwaggerUiPath, StringComparison.OrdinalIgnoreCase)
        && !path.Value!.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
}
