using FluentValidation;
using FluentValidation.Results;
using Marketplace.Config;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Api;

/// <summary>
/// The runtime rules "storefront" (Consul key or <c>config/runtime/storefront.json</c>, editable through the marketing
/// rules API): which web origins (a Tilda page's domain, a partner's shop) may call the API from a browser. Marketing adds
/// a new domain here with no deploy.
/// </summary>
internal sealed record StorefrontRules
{
    public const string Section = "storefront";

    /// <summary>
    /// Origins such as <c>https://shop.example.com</c>, <c>http://localhost:3000</c>, or <c>https://*.tilda.ws</c> (any
    /// subdomain of <c>tilda.ws</c>, not <c>tilda.ws</c> itself). Never a bare <c>*</c>.
    /// </summary>
    public List<string> AllowedOrigins { get; init; } = [];
}

/// <summary>Browser access set in the host's configuration (<c>Api:Cors</c>), added to what the "storefront" rules allow.</summary>
internal sealed class CorsSettings
{
    /// <summary>Origins in the same form as <see cref="StorefrontRules.AllowedOrigins"/>; checked at start-up.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Allow every loopback origin (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>, any port and scheme): on in
    /// Development, where a frontend developer serves pages from their own machine; off otherwise unless set.
    /// </summary>
    public bool? AllowLoopback { get; set; }

    /// <summary>How long a browser keeps a preflight's answer before it asks again (Chromium caps it at two hours).</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>
/// One allowed origin: a scheme, a host (or <c>*.</c> and a domain, for its subdomains) and a port. Written as a browser
/// sends <c>Origin</c>: no path, no query, no user.
/// </summary>
internal sealed record OriginPattern(string Scheme, string Host, int Port, bool AnySubdomain)
{
    /// <summary>The longest origin accepted: a host name is at most 253 characters.</summary>
    public const int MaxLength = 300;

    public static bool TryParse(string? text, out OriginPattern pattern, out string problem)
    {
        pattern = null!;
        problem = "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            problem = $"An origin is required, of at most {MaxLength} characters.";
            return false;
        }

        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var authority = schemeEnd < 0 ? "" : text[(schemeEnd + 3)..];
        var wildcard = authority.StartsWith("*.", StringComparison.Ordinal);
        if (wildcard)
        {
            authority = authority[2..];
        }

        if (authority.Contains('*', StringComparison.Ordinal))
        {
            problem = $"'{text}': a wildcard may only stand for the subdomains of a domain, as in https://*.tilda.ws.";
            return false;
        }

        // An origin is exactly what a browser sends in Origin: scheme, host, port; nothing after the authority.
        if (schemeEnd < 0
            || authority.Length == 0
            || authority.IndexOfAny(['/', '?', '#', '@', ' ']) >= 0
            || !Uri.TryCreate($"{text[..schemeEnd]}://{authority}", UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            problem = $"'{text}' is not an origin: write a scheme (http or https), a host and, if not the default, a port, as in https://shop.example.com.";
            return false;
        }

        if (wildcard && (uri.HostNameType != UriHostNameType.Dns || !uri.IdnHost.Contains('.', StringComparison.Ordinal)))
        {
            problem = $"'{text}': a wildcard needs a domain of at least two labels after '*.', as in https://*.tilda.ws.";
            return false;
        }

        pattern = new OriginPattern(uri.Scheme, uri.IdnHost.ToLowerInvariant(), uri.Port, wildcard);
        return true;
    }

    /// <summary>The entries of <paramref name="origins"/> that are origins; the others (refused by validation before) are skipped.</summary>
    public static IEnumerable<OriginPattern> ParseValid(IEnumerable<string>? origins) =>
        (origins ?? []).Select(o => TryParse(o, out var pattern, out _) ? pattern : null).OfType<OriginPattern>();

    /// <summary>True when a browser's <c>Origin</c> header falls under this pattern.</summary>
    public bool Allows(Uri origin)
    {
        if (!string.Equals(origin.Scheme, Scheme, StringComparison.Ordinal) || origin.Port != Port)
        {
            return false;
        }

        var host = origin.IdnHost.ToLowerInvariant();
        return AnySubdomain
            ? host.Length > Host.Length + 1 && host.EndsWith("." + Host, StringComparison.Ordinal)
            : string.Equals(host, Host, StringComparison.Ordinal);
    }
}

/// <summary>Refuses a "storefront" document whose origins are not origins, naming the entry.</summary>
internal sealed class StorefrontRulesValidator : AbstractValidator<StorefrontRules>
{
    /// <summary>More origins than this is a pasted list gone wrong; every request is matched against them.</summary>
    internal const int MaxOrigins = 500;

    public StorefrontRulesValidator()
    {
        RuleFor(rules => rules).Custom((rules, context) =>
        {
            if (rules.AllowedOrigins is null)
            {
                context.AddFailure(new ValidationFailure("allowedOrigins", "The list of allowed origins is required (it may be empty)."));
                return;
            }

            if (rules.AllowedOrigins.Count > MaxOrigins)
            {
                context.AddFailure(new ValidationFailure("allowedOrigins", $"At most {MaxOrigins} origins."));
            }

            for (var i = 0; i < rules.AllowedOrigins.Count; i++)
            {
                if (!OriginPattern.TryParse(rules.AllowedOrigins[i], out _, out var problem))
                {
                    context.AddFailure(new ValidationFailure($"allowedOrigins[{i}]", problem));
                }
            }
        });
    }
}

/// <summary>
/// The one CORS policy of the API, rebuilt when the "storefront" rules change: the configured and ruled origins (and
/// loopback where allowed) may call every route from a browser, sending the headers the API reads and reading the ones
/// a client needs. Tokens travel in headers, never cookies, so no credentials mode is offered. A request from any other
/// origin gets no CORS headers and is otherwise answered as it would be.
/// </summary>
internal sealed class BrowserOrigins : ICorsPolicyProvider
{
    /// <summary>What a browser may send: the API's own headers, and those a seller's tool in a browser uses.</summary>
    public static readonly string[] RequestHeaders =
        ["Authorization", "Content-Type", "X-Cart-Token", "X-Order-Token", "Idempotency-Key", "If-Match", "If-None-Match", "X-Api-Key", "Accept-Language"];

    /// <summary>What a browser script may read besides the safe-listed headers.</summary>
    public static readonly string[] ExposedHeaders = ["ETag", "Location", "Retry-After", "Idempotent-Replayed"];

    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    private readonly IReadOnlyList<OriginPattern> _configured;
    private readonly bool _loopback;
    private readonly TimeSpan _maxAge;
    private volatile CorsPolicy _policy;

    public BrowserOrigins(CorsSettings settings, IOptionsMonitor<StorefrontRules> rules)
    {
        _configured = OriginPattern.ParseValid(settings.AllowedOrigins).ToList();
        _loopback = settings.AllowLoopback ?? false;
        _maxAge = settings.PreflightMaxAge;
        _policy = Build(rules.CurrentValue);
        rules.OnChange(changed => _policy = Build(changed));
    }

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName) => Task.FromResult<CorsPolicy?>(_policy);

    private CorsPolicy Build(StorefrontRules rules)
    {
        // The validator refused bad entries before they reached here; skipping one keeps a defect from opening anything.
        var patterns = _configured.Concat(OriginPattern.ParseValid(rules.AllowedOrigins)).ToList();
        var loopback = _loopback;
        return new CorsPolicyBuilder()
            .SetIsOriginAllowed(origin => Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && ((loopback && uri.IsLoopback) || patterns.Exists(p => p.Allows(uri))))
            .WithMethods(Methods)
            .WithHeaders(RequestHeaders)
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(_maxAge)
            .Build();
    }
}

internal static class BrowserOriginsSetup
{
    /// <summary>
    /// Declares the "storefront" rules and the CORS policy built from them and <c>Api:Cors</c>; a configured origin that
    /// is not one stops start-up.
    /// </summary>
    public static WebApplicationBuilder AddBrowserOrigins(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Api:Cors").Get<CorsSettings>() ?? new CorsSettings();
        settings.AllowLoopback ??= builder.Environment.IsDevelopment();
        foreach (var origin in settings.AllowedOrigins)
        {
            if (!OriginPattern.TryParse(origin, out _, out var problem))
            {
                throw new InvalidOperationException($"Api:Cors:AllowedOrigins: {problem}");
            }
        }

        builder.Services.AddSingleton(settings);
        builder.AddRuntimeRules(StorefrontRules.Section, new StorefrontRulesValidator());
        builder.Services.AddCors();
        builder.Services.Replace(ServiceDescriptor.Singleton<ICorsPolicyProvider, BrowserOrigins>());
        return builder;
    }
}
