using FluentValidation;
using Marketplace.Config.Marketing.Apply;
using Marketplace.Config.Marketing.Audit;
using Marketplace.Config.Marketing.Read;
using Marketplace.Config.Marketing.Validate;
using Marketplace.Config.Persistence;
using Marketplace.Config.Rules;
using Marketplace.Config.Sections;
using Marketplace.Config.Sources;
using Marketplace.Config.Sources.Consul;
using Marketplace.Config.Sources.Files;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Config;

/// <summary>
/// Runtime rules: sections of rules that marketing changes while the shop runs, read from Consul KV or from JSON
/// files, validated before they take effect, and seen by consumers through <c>IOptionsMonitor&lt;TRules&gt;</c>.
/// </summary>
public static class ConfigModule
{
    internal const string Module = "Config";

    /// <summary>
    /// Registers the rules source (Consul when <c>Config:Consul:Address</c> is set, else the files under
    /// <c>Config:RuntimeDirectory</c>), the configuration provider under <c>RuntimeRules</c>, the audit database and
    /// the watcher that keeps the rules current.
    /// </summary>
    public static WebApplicationBuilder AddConfigModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var registry = RuleSectionRegistry.In(services);
        ((IConfigurationBuilder)builder.Configuration).Add(new RuntimeRulesSource(registry.Provider));

        var section = builder.Configuration.GetSection(Module);
        services.AddOptions<ConfigOptions>().Bind(section)
            .Validate(o => o.Consul.BlockingWait > TimeSpan.Zero && o.Consul.BlockingWait <= TimeSpan.FromMinutes(10), "Config:Consul:BlockingWait must be above zero and at most 10 minutes (Consul's limit).")
            .Validate(o => o.Consul.RequestTimeout > TimeSpan.Zero && o.Consul.BackoffInitial > TimeSpan.Zero && o.Consul.BackoffMax >= o.Consul.BackoffInitial, "Config:Consul timeouts and backoff must be above zero, BackoffMax at least BackoffInitial.")
            .Validate(o => o.Consul.ReadBurst >= 1 && o.Consul.ReadReplenishPeriod > TimeSpan.Zero, "Config:Consul:ReadBurst must be at least 1 and ReadReplenishPeriod above zero.")
            .Validate(o => o.FileDebounce > TimeSpan.Zero && o.FileRescanInterval > TimeSpan.Zero && o.FileSettleAttempts >= 1, "Config file debounce, rescan interval and settle attempts must be above zero.")
            .Validate(o => o.MaxDocumentBytes > 0 && o.DefaultAuditPageSize >= 1 && o.MaxAuditPageSize >= o.DefaultAuditPageSize, "Config:MaxDocumentBytes and the audit page sizes must be positive, the maximum at least the default.")
            .ValidateOnStart();
        var options = section.Get<ConfigOptions>() ?? new ConfigOptions();
        services.AddModuleDatabase<ConfigDbContext>(builder.Configuration, Module);

        var dataDirectory = builder.Configuration["Database:DataDirectory"] ?? "data";
        services.AddRuntimeRulesCore(
            options,
            lastGoodPath: Path.GetFullPath(Path.Combine(dataDirectory, options.LastGoodPath)),
            runtimeDirectory: RuntimeDirectory(options.RuntimeDirectory, builder.Environment.ContentRootPath));
        return builder;
    }

    /// <summary>Everything but the database and the HTTP API: the gate, the status, the source and its watcher.</summary>
    internal static IServiceCollection AddRuntimeRulesCore(this IServiceCollection services, ConfigOptions options, string lastGoodPath, string runtimeDirectory)
    {
        var registry = RuleSectionRegistry.In(services);
        services.AddSingleton(sp => new LastGoodRules(lastGoodPath, sp.GetRequiredService<ILogger<LastGoodRules>>()));
        services.AddSingleton(sp => new RulesStatus(registry.Provider));
        services.AddSingleton<IComponentStatus>(sp => sp.GetRequiredService<RulesStatus>());
        services.AddSingleton<RulesMetrics>();
        services.AddSingleton<RuleSetGate>();
        services.TryAddSingleton(TimeProvider.System);

        if (!string.IsNullOrWhiteSpace(options.Consul.Address))
        {
            services.AddSingleton(sp => new ConsulKvClient(sp.GetRequiredService<IOptions<ConfigOptions>>().Value.Consul));
            services.AddSingleton<IRuleSource, ConsulRuleSource>();
            services.AddSingleton(new ComponentAdapter("rules", $"consul {options.Consul.Address} ({options.Consul.Prefix.Trim('/')}/)"));
        }
        else
        {
            services.AddSingleton<IRuleSource>(sp => ActivatorUtilities.CreateInstance<FileRuleSource>(sp, runtimeDirectory, sp.GetRequiredService<IOptions<ConfigOptions>>().Value));
            services.AddSingleton(new ComponentAdapter("rules", $"files {runtimeDirectory}"));
        }

        services.AddHostedService<RulesWatcher>();
        return services;
    }

    /// <summary>
    /// Declares the runtime rules section <paramref name="section"/>: its document (Consul key <c>{prefix}/{section}</c>
    /// or file <c>{section}.json</c>) is bound to <typeparamref name="TRules"/> with the System.Text.Json web defaults
    /// and enums as names, checked by <paramref name="validator"/>, and served through
    /// <c>IOptionsMonitor&lt;TRules&gt;</c> (configuration section <c>RuntimeRules:{section}</c>). A change that fails
    /// validation never reaches consumers. May be called before or after <see cref="AddConfigModule"/>.
    /// </summary>
    public static WebApplicationBuilder AddRuntimeRules<TRules>(this WebApplicationBuilder builder, string section, IValidator<TRules> validator)
        where TRules : class, new()
    {
        builder.Services.AddRuntimeRules(section, validator);
        return builder;
    }

    internal static IServiceCollection AddRuntimeRules<TRules>(this IServiceCollection services, string section, IValidator<TRules> validator)
        where TRules : class, new()
    {
        var registry = RuleSectionRegistry.In(services);
        registry.Add(new RuleSection<TRules>(section, validator));
        services.AddSingleton<IOptionsFactory<TRules>>(new RuntimeRulesOptionsFactory<TRules>(registry.Provider, section));
        services.AddSingleton<IOptionsChangeTokenSource<TRules>>(new RuntimeRulesChangeTokenSource<TRules>(registry.Provider));
        return services;
    }

    /// <summary>Maps the marketing rules API under <c>/api/v1/marketing/rules</c> (roles marketing and admin).</summary>
    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/v1/marketing/rules")
            .WithTags("Runtime rules")
            .RequireAuthorization(MarketplaceClaims.Policies.Marketing);
        rules.MapGet("/", ReadRules.List)
            .WithName("ListRuleSections")
            .WithSummary("Every rule section in force, with its version, the source and the last rejected change");
        rules.MapGet("/audit", ListRuleChanges.Handle)
            .WithName("ListRuleChanges")
            .WithSummary("The audit trail of applied rule changes, newest first: who, when, versions and documents before and after");
        rules.MapGet("/{section}", ReadRules.Get)
            .WithName("GetRuleSection")
            .WithSummary("One rule section as stored now; its ETag is the version to send as If-Match when changing it")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        rules.MapPost("/{section}/validate", ValidateRuleDraft.Handle)
            .WithName("ValidateRuleDraft")
            .WithSummary("Check a draft of a rule section without applying it; 400 names each invalid field")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapPut("/{section}", ApplyRuleChange.Handle)
            .WithName("ApplyRuleChange")
            .WithSummary("Replace a rule section; needs If-Match with the version read (412 when stale, 428 when absent)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesPreconditionProblems()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// The rules directory: an absolute path as given; a relative one under the content root, or else under the
    /// nearest parent that has it (so <c>dotnet run --project api</c> finds the repository's <c>config/runtime</c>).
    /// </summary>
    private static string RuntimeDirectory(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, configured);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(Path.Combine(contentRoot, configured));
    }
}
